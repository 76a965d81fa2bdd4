package web_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
)

// snippets asks Node for the verification code the dashboard shows, as the
// browser would build it from web/static/js/formats.js.
func snippets(t *testing.T, header string) map[string]string {
	t.Helper()
	mod, err := filepath.Abs("static/js/formats.js")
	require.NoError(t, err)
	script := `import {formatOf} from ` + jsString("file://"+mod) + `;
const f = formatOf('hookd');
console.log(JSON.stringify(Object.fromEntries(Object.entries(f.snippets).map(([k, fn]) => [k, fn(` + jsString(header) + `)]))));`
	out, err := run(t, "", nil, "node", "--input-type=module", "-e", script)
	require.NoError(t, err, out)
	var m map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &m), out)
	return m
}

func run(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("this test runs the dashboard's %s snippet and needs %s; make test installs it (apt-get install -y %s)",
			name, name, map[string]string{"php": "php-cli", "node": "nodejs", "python3": "python3"}[name])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// Each language's snippet, run as shown, accepts a request hookd signed,
// with either secret during a rotation, and refuses a wrong secret, a
// changed body and an old timestamp.
func TestVerificationSnippetsVerify(t *testing.T) {
	t.Parallel()
	const header = "SelfCommunity-Signature"
	code := snippets(t, header)
	for _, lang := range []string{"node", "python", "go"} {
		require.Contains(t, code[lang], header, "%s names the server's header", lang)
	}
	require.Contains(t, code["php"], "HTTP_SELFCOMMUNITY_SIGNATURE", "PHP reads the header from $_SERVER")

	body := []byte(`{"id":"evt_1","type":"comment.created","created":"2026-01-02T03:04:05.000Z","version":"1","data":{"text":"héllo <b>&</b>","n":1.50}}`)
	current, old := "whsec_current0123456789abcdefghij", "whsec_old0123456789abcdefghijklmn"
	now := time.Now().Unix()
	signed := delivery.SignatureHeaderValue(now, body, current, old)
	stale := delivery.SignatureHeaderValue(now-3600, body, current)
	cases := []struct {
		name, header, secret string
		body                 []byte
		want                 bool
	}{
		{"CurrentSecret", signed, current, body, true},
		{"OldSecretDuringRotation", signed, old, body, true},
		{"WrongSecret", signed, "whsec_wrong", body, false},
		{"ChangedBody", signed, current, append([]byte(nil), append(body[:len(body)-1:len(body)-1], ' ', '}')...), false},
		{"OldTimestamp", stale, current, body, false},
		{"NoHeader", "", current, body, false},
	}

	dir := t.TempDir()
	harness := map[string]func() (string, []string){
		"node": func() (string, []string) {
			f := filepath.Join(dir, "verify.js")
			src := code["node"] + "\nconst fs = require('node:fs');\nconsole.log(verifyHookd(process.env.H, fs.readFileSync(process.env.B), process.env.S));\n"
			require.NoError(t, os.WriteFile(f, []byte(src), 0o600))
			return "node", []string{f}
		},
		"python": func() (string, []string) {
			f := filepath.Join(dir, "verify.py")
			src := code["python"] + "\nimport os\nprint(str(verify_hookd(os.environ['H'], open(os.environ['B'], 'rb').read(), os.environ['S'])).lower())\n"
			require.NoError(t, os.WriteFile(f, []byte(src), 0o600))
			return "python3", []string{f}
		},
		"php": func() (string, []string) {
			f := filepath.Join(dir, "verify.php")
			src := code["php"] + "\necho verify_hookd(getenv('H') ?: '', file_get_contents(getenv('B')), getenv('S')) ? 'true' : 'false';\n"
			require.NoError(t, os.WriteFile(f, []byte(src), 0o600))
			return "php", []string{f}
		},
	}
	// Go: the snippet as a package of a tiny program, built once.
	goDir := filepath.Join(dir, "gosnippet")
	require.NoError(t, os.MkdirAll(goDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(goDir, "go.mod"), []byte("module snippet\n\ngo 1.22\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(goDir, "verify.go"), []byte(strings.Replace(code["go"], "package webhooks", "package main", 1)), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(goDir, "main.go"), []byte(`package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	body, _ := os.ReadFile(os.Getenv("B"))
	fmt.Println(VerifyHookd(os.Getenv("H"), body, os.Getenv("S"), 5*time.Minute))
}
`), 0o600))
	out, err := run(t, goDir, []string{"GOFLAGS=-mod=mod", "GOWORK=off"}, "go", "build", "-o", "verify", ".")
	require.NoError(t, err, "the Go snippet compiles: %s", out)
	harness["go"] = func() (string, []string) { return filepath.Join(goDir, "verify"), nil }

	for _, lang := range []string{"node", "python", "go", "php"} {
		t.Run(lang, func(t *testing.T) {
			name, args := harness[lang]()
			for _, c := range cases {
				b := filepath.Join(t.TempDir(), "body")
				require.NoError(t, os.WriteFile(b, c.body, 0o600))
				out, err := run(t, "", []string{"H=" + c.header, "S=" + c.secret, "B=" + b}, name, args...)
				require.NoError(t, err, "%s %s: %s", lang, c.name, out)
				want := "false"
				if c.want {
					want = "true"
				}
				require.Equal(t, want, strings.ToLower(out), "%s: %s", lang, c.name)
			}
		})
	}
}
