package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

// formatCode is what the dashboard shows a receiver of one format: per
// language the code and its function's name, and the headers the function
// takes (before the raw body and the secret).
type formatCode struct {
	Args          []string          `json:"args"`
	Authorization bool              `json:"authorization"`
	Fn            map[string]string `json:"fn"`
	Code          map[string]string `json:"code"`
}

// dashboardCode asks Node for the verification code of every format, as
// the browser builds it from web/static/js/formats.js for a server whose
// signature header is header.
func dashboardCode(t *testing.T, header string) map[string]formatCode {
	t.Helper()
	mod, err := filepath.Abs("static/js/formats.js")
	require.NoError(t, err)
	script := `import {FORMATS, LANGUAGES, snippet} from ` + jsString("file://"+mod) + `;
const header = ` + jsString(header) + `;
const out = {};
for (const f of FORMATS) {
  out[f.id] = {
    args: f.verify.args(header), authorization: Boolean(f.verify.authorization), fn: f.verify.snippets.fn,
    code: Object.fromEntries(LANGUAGES.map(([lang]) => [lang, snippet(f.id, lang, header)])),
  };
}
console.log(JSON.stringify(out));`
	out, err := run(t, "", nil, "node", "--input-type=module", "-e", script)
	require.NoError(t, err, out)
	var m map[string]formatCode
	require.NoError(t, json.Unmarshal([]byte(out), &m), out)
	return m
}

func run(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("this test runs the dashboard's verification code and needs %s; make test installs it (apt-get install -y %s)",
			name, map[string]string{"php": "php-cli", "node": "nodejs", "python3": "python3"}[name])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// harness makes one language's snippet a program that prints whether the
// request in its environment (ARGS: the header values, B: the body's file,
// S: the secret, A: the expected Authorization) verifies.
func harness(t *testing.T, dir, lang string, fc formatCode) (string, []string) {
	t.Helper()
	fn := fc.Fn[lang]
	code := fc.Code[lang]
	switch lang {
	case "node":
		f := filepath.Join(dir, "verify.js")
		auth := ""
		if fc.Authorization {
			auth = ", process.env.A"
		}
		src := code + fmt.Sprintf("\nconst fs = require('node:fs');\nconsole.log(%s(...JSON.parse(process.env.ARGS), fs.readFileSync(process.env.B), process.env.S%s));\n", fn, auth)
		require.NoError(t, os.WriteFile(f, []byte(src), 0o600))
		return "node", []string{f}
	case "python":
		f := filepath.Join(dir, "verify.py")
		auth := ""
		if fc.Authorization {
			auth = ", os.environ['A']"
		}
		src := code + fmt.Sprintf("\nimport json, os\nprint(str(%s(*json.loads(os.environ['ARGS']), open(os.environ['B'], 'rb').read(), os.environ['S']%s)).lower())\n", fn, auth)
		require.NoError(t, os.WriteFile(f, []byte(src), 0o600))
		return "python3", []string{f}
	case "php":
		f := filepath.Join(dir, "verify.php")
		auth := ""
		if fc.Authorization {
			auth = ", getenv('A')"
		}
		src := code + fmt.Sprintf("\n$args = json_decode(getenv('ARGS'), true);\necho %s(...array_merge($args, [file_get_contents(getenv('B')), getenv('S')%s])) ? 'true' : 'false';\n", fn, auth)
		require.NoError(t, os.WriteFile(f, []byte(src), 0o600))
		return "php", []string{f}
	default: // go: the snippet as a package of a tiny program
		args := make([]string, len(fc.Args))
		for i := range args {
			args[i] = fmt.Sprintf("a[%d]", i)
		}
		args = append(args, "body", `os.Getenv("S")`)
		if fc.Authorization {
			args = append(args, `os.Getenv("A")`)
		}
		main := fmt.Sprintf(`package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	var a []string
	_ = json.Unmarshal([]byte(os.Getenv("ARGS")), &a)
	body, _ := os.ReadFile(os.Getenv("B"))
	fmt.Println(%s(%s))
}
`, fn, strings.Join(args, ", "))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module snippet\n\ngo 1.22\n"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "verify.go"), []byte(strings.Replace(code, "package webhooks", "package main", 1)), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o600))
		out, err := run(t, dir, []string{"GOFLAGS=-mod=mod", "GOWORK=off"}, "go", "build", "-o", "verify", ".")
		require.NoError(t, err, "the Go snippet compiles: %s\n%s", out, code)
		return filepath.Join(dir, "verify"), nil
	}
}

// The code the dashboard shows for each format and language accepts a
// request hookd really sent in that format and refuses it with a wrong
// secret or a changed body.
func TestVerificationCodeVerifiesEveryFormat(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const authorization = "Bearer firstup-shared-0123456789"
	code := dashboardCode(t, "Hookd-Signature")
	require.Len(t, code, len(domain.Formats), "a snippet set for every format")

	for _, format := range domain.Formats {
		t.Run(format, func(t *testing.T) {
			fc := code[format]
			for _, lang := range []string{"node", "python", "go", "php"} {
				require.NotEmpty(t, fc.Code[lang], "%s has %s code", format, lang)
			}
			// A real request in this format: a test-fire to a receiver.
			rcv := e.rcv
			var id int64
			if format == domain.FormatFirstup {
				status, out := e.call(t, http.MethodPost, "/v2/webhooks/subscriptions", adminToken, map[string]any{
					"url": rcv.URL + "/" + format, "authorization_header": authorization, "events": []map[string]string{{"name": "content_published"}},
				})
				require.Equal(t, http.StatusCreated, status, "%v", out)
				id = int64(out["id"].(float64))
			} else {
				status, out := e.call(t, http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
					"name": format, "url": rcv.URL + "/" + format, "events": []string{"comment.created"}, "format": format,
				})
				require.Equal(t, http.StatusCreated, status, "%v", out)
				id = int64(out["id"].(float64))
			}
			_, revealed := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/secret", id), adminToken, nil)
			secret := revealed["secret"].(string)
			status, out := e.call(t, http.MethodPost, fmt.Sprintf("/v2/admin/webhooks/%d/test", id), adminToken, nil)
			require.Equal(t, http.StatusOK, status, "%v", out)
			var got *http.Request
			var body []byte
			for _, r := range rcv.Received() {
				if r.Header.Get("Hookd-Delivery-Id") == fmt.Sprint(out["delivery_id"]) {
					got, body = &http.Request{Header: r.Header}, r.Body
				}
			}
			require.NotNil(t, got, "the test request arrived")
			values := make([]string, len(fc.Args))
			for i, name := range fc.Args {
				values[i] = got.Header.Get(name)
				require.NotEmpty(t, values[i], "%s: header %s", format, name)
			}
			args, err := json.Marshal(values)
			require.NoError(t, err)
			changed := append(append([]byte(nil), body...), ' ')

			for _, lang := range []string{"node", "python", "go", "php"} {
				dir := t.TempDir()
				name, cmdArgs := harness(t, dir, lang, fc)
				for _, c := range []struct {
					what, secret string
					body         []byte
					want         string
				}{
					{"the request as sent", secret, body, "true"},
					{"a wrong secret", "whsec_" + strings.Repeat("A", 43) + "=", body, "false"},
					{"a changed body", secret, changed, "false"},
				} {
					b := filepath.Join(dir, "body")
					require.NoError(t, os.WriteFile(b, c.body, 0o600))
					out, err := run(t, "", []string{"ARGS=" + string(args), "B=" + b, "S=" + c.secret, "A=" + authorization}, name, cmdArgs...)
					require.NoError(t, err, "%s %s, %s: %s", format, lang, c.what, out)
					require.Equal(t, c.want, strings.ToLower(out), "%s %s, %s", format, lang, c.what)
				}
			}
		})
	}

	t.Run("TheServersHeaderName", func(t *testing.T) {
		renamed := dashboardCode(t, "SelfCommunity-Signature")[domain.FormatHookd]
		for _, lang := range []string{"node", "python", "go"} {
			require.Contains(t, renamed.Code[lang], "SelfCommunity-Signature", lang)
		}
		require.Contains(t, renamed.Code["php"], "HTTP_SELFCOMMUNITY_SIGNATURE")
		require.Equal(t, []string{"SelfCommunity-Signature"}, renamed.Args)
	})
}
