package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func testCatalog() *Catalog {
	return NewCatalog([]EventType{
		{Name: "comment.created", Group: "comment"},
		{Name: "loyalty.prize.created", Group: "loyalty"},
		{Name: "content_published", Group: "content"},
		{Name: TestEventType, Group: "webhook"},
	})
}

func TestMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		patterns []string
		event    string
		group    string
		want     bool
	}{
		{[]string{"comment.created"}, "comment.created", "comment", true},
		{[]string{"comment.updated"}, "comment.created", "comment", false},
		{[]string{"*"}, "comment.created", "comment", true},
		{[]string{"comment.*"}, "comment.created", "comment", true},
		{[]string{"feed.*"}, "comment.created", "comment", false},
		{[]string{"loyalty.*"}, "loyalty.prize.created", "loyalty", true},
		{[]string{"loyalty.prize.*"}, "loyalty.prize.created", "loyalty", true},
		{[]string{"loyalty.prize_request.*"}, "loyalty.prize.created", "loyalty", false},
		{[]string{"content.*"}, "content_published", "content", true},
		{[]string{"content_published"}, "content_published", "content", true},
		{[]string{"comment"}, "comment.created", "comment", false},
		{[]string{"comment.created.*"}, "comment.created", "comment", false},
		{nil, "comment.created", "comment", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Matches(tt.patterns, tt.event, tt.group), "%v ~ %s", tt.patterns, tt.event)
	}
}

func TestValidatePatterns(t *testing.T) {
	t.Parallel()
	c := testCatalog()
	for _, ok := range [][]string{{"*"}, {"comment.created"}, {"comment.*"}, {"loyalty.*", "loyalty.prize.*"}, {"content.*", "content_published"}} {
		require.NoError(t, c.ValidatePatterns(ok), "%v", ok)
	}
	for _, bad := range [][]string{nil, {}, {"nope"}, {"comment.created", "comment.created"}, {"nope.*"}, {"comment.cre*"},
		{"**"}, {"comment.created.*"}, {""}, {TestEventType}, {"Comment.created"}} {
		err := c.ValidatePatterns(bad)
		require.Error(t, err, "%v", bad)
		require.Equal(t, CodeInvalidParam, ErrorCode(err))
	}
	err := c.ValidatePatterns([]string{"comment.created", "bogus.thing"})
	require.ErrorContains(t, err, `events[1]: "bogus.thing"`)
}

func TestValidateURL(t *testing.T) {
	t.Parallel()
	strict := URLPolicy{}
	lax := URLPolicy{AllowHTTP: true, Addresses: AddressPolicy{AllowPrivate: true}}
	for _, ok := range []string{"https://example.com", "https://example.com:8443/a/b?c=d", "https://[2606:4700::1111]/x", "HTTPS://EXAMPLE.COM/"} {
		require.NoError(t, strict.ValidateURL(ok), ok)
	}
	for _, bad := range []string{"", "http://example.com", "example.com", "/path", "https://", "https://u:p@example.com",
		"https://u@example.com", "ftp://example.com", "https://example.com:0/", "https://example.com:70000/", "https://exa mple.com",
		"javascript:alert(1)", "https://example.com/\n"} {
		err := strict.ValidateURL(bad)
		require.Error(t, err, bad)
		require.Equal(t, CodeInvalidURL, ErrorCode(err), bad)
	}
	require.NoError(t, lax.ValidateURL("http://localhost:9000/hook"))
	for _, literal := range []string{"https://127.0.0.1/", "https://[::1]/", "https://169.254.169.254/latest/meta-data", "https://10.1.2.3/",
		"https://[::ffff:127.0.0.1]/", "https://[fd00::1]/", "https://localhost/", "https://api.localhost./", "https://0.0.0.0/"} {
		err := strict.ValidateURL(literal)
		require.Equal(t, CodeInvalidURL, ErrorCode(err), literal)
	}
	for _, numeric := range []string{"https://2130706433/", "https://0x7f000001/", "https://0x7f.0.0.1/", "https://0177.0.0.1/",
		"https://017700000001:443/", "https://127.1/", "https://134744072/hook", "https://０x7f000001/", "https://2130706433./"} {
		err := strict.ValidateURL(numeric)
		require.Equal(t, CodeInvalidURL, ErrorCode(err), numeric)
		require.ErrorContains(t, err, "numeric form", numeric)
	}
	for _, reserved := range []string{"https://[::127.0.0.1]/", "https://[::ffff:0:127.0.0.1]/", "https://[64:ff9b:1::a9fe:a9fe]/",
		"https://[2001::1]/", "https://[100::1]/", "https://192.0.2.1/", "https://[2001:db8::1]/", "https://[3fff::1]/",
		"https://１２７.０.０.１/", "https://127。0。0。1/", "https://ⓛocalhost/", "https://127.0.0.1./"} {
		err := strict.ValidateURL(reserved)
		require.Equal(t, CodeInvalidURL, ErrorCode(err), reserved)
		require.ErrorContains(t, err, "not allowed", reserved)
	}
	require.NoError(t, strict.ValidateURL("https://93.184.216.34/"))
	require.EqualError(t, strict.ValidateURL("http://example.com"), "Webhook URL must use HTTPS protocol.")
	require.EqualError(t, lax.ValidateURL("ftp://example.com"), "Webhook URL must use HTTP or HTTPS protocol.")
}

func TestValidateHeaders(t *testing.T) {
	t.Parallel()
	require.NoError(t, ValidateHeaders(map[string]string{"X-Api-Key": "abc", "Authorization": "Bearer x"}, "Hookd-Signature"))
	for _, bad := range []map[string]string{
		{"Host": "x"}, {"content-type": "x"}, {"Hookd-Anything": "x"}, {"SelfCommunity-Signature": "x"},
		{"X-A": "a\rb"}, {"X-A": "a\x00b"}, {"X A": "x"}, {"": "x"}, {"User-Agent": "x"},
	} {
		require.Error(t, ValidateHeaders(bad, "SelfCommunity-Signature"), "%v", bad)
	}
}

func TestHint(t *testing.T) {
	t.Parallel()
	require.Equal(t, "whsec_••••wxyz", Hint("whsec_abcdefghijklmnopqrstuvwxyz"))
	require.Equal(t, "••••", Hint("foobar"))
	require.Equal(t, "whsec_••••", Hint("whsec_short"))
}
