// Package secretbox encrypts the credentials hookd stores (signing secrets,
// Authorization values) with AES-256-GCM. Every ciphertext names the key that
// sealed it, so a keyring holding the current and previous keys can open old
// rows while new writes use the current key, and a rotation can re-seal rows
// one by one without downtime.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of an encryption key in bytes.
const KeySize = 32

// version 1 layout: version(1) | key id(4) | nonce(12) | ciphertext+tag.
const (
	version1  = 1
	keyIDSize = 4
	nonceSize = 12
	headerLen = 1 + keyIDSize + nonceSize
)

// ErrUnknownKey is returned when a ciphertext was sealed by a key the keyring
// does not hold.
var ErrUnknownKey = errors.New("secretbox: ciphertext sealed with a key this keyring does not hold")

type key struct {
	id   [keyIDSize]byte
	aead cipher.AEAD
}

// Keyring seals with its current key and opens with any key it holds.
type Keyring struct {
	current key
	byID    map[[keyIDSize]byte]key
}

// ParseKey decodes a base64 (standard or URL alphabet, padded or not)
// 32-byte key, the form HOOKD_ENCRYPTION_KEY takes.
func ParseKey(encoded string) ([]byte, error) {
	encoded = strings.TrimSpace(encoded)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(encoded); err == nil {
			if len(b) != KeySize {
				return nil, fmt.Errorf("encryption key must decode to %d bytes, got %d", KeySize, len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("encryption key must be base64-encoded")
}

// NewKeyring returns a keyring that seals with current and also opens
// ciphertexts sealed by any of old.
func NewKeyring(current []byte, old ...[]byte) (*Keyring, error) {
	cur, err := newKey(current)
	if err != nil {
		return nil, err
	}
	kr := &Keyring{current: cur, byID: map[[keyIDSize]byte]key{cur.id: cur}}
	for _, o := range old {
		k, err := newKey(o)
		if err != nil {
			return nil, fmt.Errorf("old key: %w", err)
		}
		if _, dup := kr.byID[k.id]; !dup {
			kr.byID[k.id] = k
		}
	}
	return kr, nil
}

func newKey(raw []byte) (key, error) {
	if len(raw) != KeySize {
		return key{}, fmt.Errorf("encryption key must be %d bytes, got %d", KeySize, len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, err
	}
	// The id is a hash of the key, so it identifies the key without revealing it.
	sum := sha256.Sum256(append([]byte("hookd-key-id:"), raw...))
	var k key
	copy(k.id[:], sum[:keyIDSize])
	k.aead = aead
	return k, nil
}

// Seal encrypts plaintext under the current key. context binds the
// ciphertext to where it is stored (e.g. "webhooks.secret"), so a value
// copied into another column fails to open.
func (k *Keyring) Seal(plaintext, context string) []byte {
	out := make([]byte, headerLen, headerLen+len(plaintext)+k.current.aead.Overhead())
	out[0] = version1
	copy(out[1:], k.current.id[:])
	if _, err := rand.Read(out[1+keyIDSize : headerLen]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return k.current.aead.Seal(out, out[1+keyIDSize:headerLen], []byte(plaintext), additionalData(out[:1+keyIDSize], context))
}

// Open decrypts a ciphertext made by Seal with the same context.
func (k *Keyring) Open(ciphertext []byte, context string) (string, error) {
	if len(ciphertext) < headerLen || ciphertext[0] != version1 {
		return "", errors.New("secretbox: malformed ciphertext")
	}
	var id [keyIDSize]byte
	copy(id[:], ciphertext[1:])
	kk, ok := k.byID[id]
	if !ok {
		return "", ErrUnknownKey
	}
	pt, err := kk.aead.Open(nil, ciphertext[1+keyIDSize:headerLen], ciphertext[headerLen:], additionalData(ciphertext[:1+keyIDSize], context))
	if err != nil {
		return "", errors.New("secretbox: ciphertext does not authenticate")
	}
	return string(pt), nil
}

// IsCurrent reports whether ciphertext was sealed with the current key, i.e.
// whether a key rotation can skip it.
func (k *Keyring) IsCurrent(ciphertext []byte) bool {
	return len(ciphertext) >= headerLen && string(ciphertext[1:1+keyIDSize]) == string(k.current.id[:])
}

// CurrentKeyID returns the hex id of the current key, for logs and status.
func (k *Keyring) CurrentKeyID() string { return fmt.Sprintf("%x", k.current.id) }

func additionalData(header []byte, context string) []byte {
	return append(append([]byte{}, header...), context...)
}
