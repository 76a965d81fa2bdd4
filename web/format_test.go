package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// selectOption picks value in a <select> as a user's choice would: the
// value changes and a change event fires.
func (b *browser) selectOption(sel, value string) {
	b.t.Helper()
	b.click(sel)
	require.True(b.t, eval[bool](b, fmt.Sprintf(`(() => {
		const s = document.querySelector(%s);
		if (![...s.options].some((o) => o.value === %s)) return false;
		s.value = %s;
		s.dispatchEvent(new Event('input', {bubbles: true}));
		s.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`, jsString(sel), jsString(value), jsString(value))), "option %s in %s", value, sel)
}

// The format picker on create and edit, and the "how to verify" hint in the
// webhook's own format.
func TestWebhookFormatPicker(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)

	var id int64
	t.Run("CreateInTheStandardFormat", func(t *testing.T) {
		b := b.in(t)
		b.open("/webhooks/new")
		b.waitText("h1", "Create a webhook")
		b.waitFor("the form", `document.querySelector('select[name="format"]')`, stepTimeout)
		require.Equal(t, "hookd", eval[string](b, `document.querySelector('select[name="format"]').value`), "hookd's by default")
		b.waitText(".format-summary", "Hookd-Signature")
		labels := eval[[]string](b, `[...document.querySelectorAll('select[name="format"] option')].map((o) => o.value)`)
		require.Equal(t, []string{"hookd", "standard", "selfcommunity", "fluent", "firstup", "tribe"}, labels)

		b.typeInto(`input[name="name"]`, "Svix receiver")
		b.typeInto(`input[name="url"]`, e.rcv.URL)
		b.typeInto(".picker-search", "member_joined")
		b.click(`input[value="space.member_joined"]`)
		b.selectOption(`select[name="format"]`, "standard")
		b.waitText(".format-summary", "standardwebhooks and svix")
		b.clickText("Create webhook")

		b.waitText(".created-panel", "Copy its signing secret now")
		b.waitText(".created-panel .verify summary", "Standard Webhooks format")
		b.waitText(".created-panel .verify", "webhook-signature: v1,")
		b.waitText(".created-panel .snippet-panel:not([hidden])", "verifyStandardWebhook")
		b.waitText(".created-panel .snippet-panel:not([hidden])", "standardwebhooks")
		require.False(t, eval[bool](b, `document.querySelector('.created-panel .verify').textContent.includes('Hookd-Signature')`),
			"the hint is the webhook's own format's")
		b.waitText(".details-card", "Standard Webhooks")
		b.screenshot("webhook-format-standard")

		id = int64(eval[float64](b, `Number(location.hash.split('/')[2])`))
		_, hook := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
		require.Equal(t, "standard", hook["format"])
	})

	t.Run("EditToTribe", func(t *testing.T) {
		b := b.in(t)
		b.clickText("Edit")
		b.waitText("h1", "Edit webhook")
		b.waitFor("the form filled in", `document.querySelector('select[name="format"]')?.value === 'standard'`, stepTimeout)
		b.selectOption(`select[name="format"]`, "tribe")
		b.waitText(".format-summary", "X-Tribe-Signature")
		b.clickText("Save changes")
		b.waitText(".details-card", "Tribe")
		_, hook := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
		require.Equal(t, "tribe", hook["format"])

		b.clickText("Reveal")
		b.waitText("dialog[open] .verify summary", "Tribe format")
		b.waitText("dialog[open] .verify", "X-Tribe-Request-Timestamp")
		b.clickText("Done")
		b.waitFor("the dialog to close", `!document.querySelector('dialog')`, stepTimeout)
	})

	t.Run("SwitchToStandardNeedsARotatedSecret", func(t *testing.T) {
		b := b.in(t)
		// A secret of the kind hookd generated before formats: base64url.
		status, out := e.call(t, http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
			"name": "Old secret", "url": e.rcv.URL, "events": []string{"*"}, "secret": "whsec_Zm9vYmFyYmF6cXV4-_0123456789abcdefghijklmn"})
		require.Equal(t, http.StatusCreated, status, "%v", out)
		old := int64(out["id"].(float64))
		b.open(fmt.Sprintf("/webhooks/%d/edit", old))
		b.waitFor("the form filled in", `document.querySelector('select[name="format"]')?.value === 'hookd'`, stepTimeout)
		b.selectOption(`select[name="format"]`, "standard")
		b.expectAPIStatus(http.StatusBadRequest)
		b.clickText("Save changes")
		b.waitText(`.field[data-field="format"] .field-error`, "Rotate the secret first")
		_, hook := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", old), adminToken, nil)
		require.Equal(t, "hookd", hook["format"])
	})

	t.Run("DeliveryPageShowsTheFormat", func(t *testing.T) {
		b := b.in(t)
		status, out := e.call(t, http.MethodPost, fmt.Sprintf("/v2/admin/webhooks/%d/test", id), adminToken, nil)
		require.Equal(t, http.StatusOK, status, "%v", out)
		b.open(fmt.Sprintf("/deliveries/%d", int64(out["delivery_id"].(float64))))
		b.waitText(".summary-card", "Tribe")
		b.waitText(".card", "SUBSCRIPTION")
		b.waitText(".card", "The JSON body every attempt in the Tribe format sends")
	})
}
