package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
	"github.com/hookd/hookd/internal/deliverytest"
)

// The dashboard's flows, each in a real Chromium against a real hookd: the
// API, the delivery workers and a receiver on loopback.

func TestSignIn(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := newBrowser(t, e.url)

	b.open("/webhooks")
	b.waitText("h1", "Sign in to hookd")
	// A first-time user learns where the token comes from.
	b.waitText(".signin-help", "make run")
	b.waitText(".signin-help", ".hookd/admin-token")
	b.waitText(".signin-help", "hookd token create")
	b.screenshot("signin")

	t.Run("WrongTokenRefusedBesideTheField", func(t *testing.T) {
		b := b.in(t)
		b.expectAPIStatus(http.StatusUnauthorized)
		b.typeInto(`input[name="token"]`, "hkd_not_a_token")
		b.clickText("Sign in")
		b.waitText(`.field[data-field="token"] .field-error`, "does not recognise this token")
		require.Equal(t, "true", eval[string](b, `document.querySelector('input[name="token"]').getAttribute('aria-invalid')`))
		require.Empty(t, eval[string](b, `sessionStorage.getItem('hookd.token') || ''`))
	})

	t.Run("AdminTokenShowsEmptyStateWithCallToAction", func(t *testing.T) {
		b := b.in(t)
		b.clearField(`input[name="token"]`)
		b.typeInto(`input[name="token"]`, adminToken)
		b.clickText("Sign in")
		b.waitText("h1", "Webhooks")
		b.waitText(".state-empty", "No webhooks yet")
		b.waitText(".state-empty a", "Create your first webhook")
		b.waitText("#whoami-name", "HOOKD_ADMIN_TOKEN")
		require.Equal(t, adminToken, eval[string](b, `sessionStorage.getItem('hookd.token')`))
		require.False(t, eval[bool](b, `document.getElementById('nav-tokens').hidden`), "an admin sees the Tokens page")
		b.screenshot("webhooks-empty")
	})

	t.Run("KeyboardReachesTheCallToAction", func(t *testing.T) {
		b := b.in(t)
		b.tabTo("Create your first webhook", 15)
		b.key(kb.Enter)
		b.waitText("h1", "Create a webhook")
		b.waitFor("focus on the form's first field", `document.activeElement.name === 'name'`, stepTimeout)
	})

	t.Run("SignOutForgetsTheToken", func(t *testing.T) {
		b := b.in(t)
		b.clickText("Sign out")
		b.waitText("h1", "Sign in to hookd")
		require.Empty(t, eval[string](b, `sessionStorage.getItem('hookd.token') || ''`))
	})
}

func TestCreateWebhookWithPicker(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)

	b.clickText("Create your first webhook")
	b.waitText("h1", "Create a webhook")
	b.typeInto(`input[name="name"]`, "Order sync")
	b.typeInto(`input[name="url"]`, "ftp://example.com/hook")

	t.Run("PickerSearchGroupsAndWildcards", func(t *testing.T) {
		b := b.in(t)
		b.typeInto(".picker-search", "comment")
		b.waitFor("the comment group to open", `document.querySelector('details[data-group="comment"]').open`, stepTimeout)
		require.True(t, eval[bool](b, `document.querySelector('details[data-group="space"]').hidden`), "search hides groups without a match")
		b.click(`input[value="comment.*"]`)
		// The group wildcard covers the group's events.
		b.waitFor("comment.created to be covered", `(() => { const i = document.querySelector('input[value="comment.created"]'); return i.checked && i.disabled })()`, stepTimeout)

		b.clearField(".picker-search")
		b.typeInto(".picker-search", "member_joined")
		b.click(`input[value="space.member_joined"]`)
		b.waitText(".picker .chips", "comment.*")
		b.waitText(".picker .chips", "space.member_joined")
		b.clearField(".picker-search")
	})

	t.Run("PickerOffersOperationalEvents", func(t *testing.T) {
		b := b.in(t)
		b.typeInto(".picker-search", "webhook")
		b.waitFor("the webhook group to open", `document.querySelector('details[data-group="webhook"]').open`, stepTimeout)
		for _, name := range []string{"webhook.*", "webhook.failing", "webhook.disabled", "webhook.recovered"} {
			require.True(t, eval[bool](b, fmt.Sprintf(`Boolean(document.querySelector('input[value=%q]'))`, name)), name)
		}
		require.False(t, eval[bool](b, `Boolean(document.querySelector('input[value="webhook.test"]'))`), "test-fires only")
		b.clearField(".picker-search")
		b.typeInto(".picker-search", "exhausted")
		b.waitFor("the delivery group to open", `document.querySelector('details[data-group="delivery"]').open`, stepTimeout)
		require.True(t, eval[bool](b, `Boolean(document.querySelector('input[value="delivery.*"]'))`))
		require.True(t, eval[bool](b, `Boolean(document.querySelector('input[value="delivery.exhausted"]'))`))
		b.clearField(".picker-search")
	})

	t.Run("FieldErrorShownBesideTheFieldWithoutAskingTheAPI", func(t *testing.T) {
		b := b.in(t)
		// No expected 400: the form checks what the API would refuse before
		// sending, so the console stays clean (checkConsole fails otherwise).
		b.clickText("Create webhook")
		b.waitText(`.field[data-field="url"] .field-error`, "Endpoint URL must start with https://")
		require.Equal(t, "url", eval[string](b, `document.activeElement.name`), "focus moves to the field in error")
		b.screenshot("webhook-form")
	})

	var id int64
	t.Run("CreatedShowsSecretOnceWithVerifyHint", func(t *testing.T) {
		b := b.in(t)
		b.clearField(`input[name="url"]`)
		b.typeInto(`input[name="url"]`, e.rcv.URL)
		b.clickText("Create webhook")
		b.waitText(".created-panel", "Copy its signing secret now")
		b.waitText(".created-panel", "Hookd-Signature: t=")
		b.waitText(".created-panel", "HMAC-SHA256")
		secret := eval[string](b, `document.querySelector('.created-panel .secret-value').textContent`)
		require.True(t, strings.HasPrefix(secret, "whsec_"), secret)

		id = int64(eval[float64](b, `Number(location.hash.split('/')[2])`))
		status, hook := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "Order sync", hook["name"])
		require.Equal(t, e.rcv.URL, hook["url"])
		require.Equal(t, []any{"comment.*", "space.member_joined"}, hook["events"])
		_, revealed := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/secret", id), adminToken, nil)
		require.Equal(t, secret, revealed["secret"])
	})

	t.Run("RevealDialogClosesWithEscapeAndReturnsFocus", func(t *testing.T) {
		b := b.in(t)
		b.clickText("Reveal")
		b.waitFor("the secret dialog", `document.querySelector('dialog[open] .secret-value')`, stepTimeout)
		_, revealed := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/secret", id), adminToken, nil)
		require.Equal(t, revealed["secret"], eval[string](b, `document.querySelector('dialog[open] .secret-value').textContent`))
		b.key(kb.Escape)
		b.waitFor("the dialog to close", `!document.querySelector('dialog')`, stepTimeout)
		require.Equal(t, "Reveal", eval[string](b, `document.activeElement.textContent.trim()`))
	})

	t.Run("RotateSecretShowsTheNewOne", func(t *testing.T) {
		b := b.in(t)
		_, before := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/secret", id), adminToken, nil)
		b.clickText("Rotate…")
		b.waitText("dialog[open]", "Rotate the signing secret?")
		b.clickText("Rotate secret")
		b.waitText("dialog[open]", "New signing secret")
		b.waitText("dialog[open]", "The old secret keeps signing until")
		shown := eval[string](b, `document.querySelector('dialog[open] .secret-value').textContent`)
		_, after := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/secret", id), adminToken, nil)
		require.Equal(t, after["secret"], shown)
		require.NotEqual(t, before["secret"], shown)
		b.clickText("Done")
		b.waitFor("the dialog to close", `!document.querySelector('dialog')`, stepTimeout)
	})

	t.Run("ListShowsTheWebhook", func(t *testing.T) {
		b := b.in(t)
		b.open("/webhooks")
		b.waitText(".webhook-table", "Order sync")
		b.waitText(".webhook-table", e.rcv.URL)
		b.waitText(".webhook-table", "comment.*")
		b.waitFor("the sparkline", `document.querySelector('.webhook-table svg.spark')`, stepTimeout)
	})

	t.Run("EditDisableEnableDelete", func(t *testing.T) {
		b := b.in(t)
		// Lists mask header values; editing must keep the real ones.
		const apiKey = "edit-keeps-this-key-0123"
		status, _ := e.call(t, http.MethodPatch, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken,
			map[string]any{"headers": map[string]string{"X-Api-Key": apiKey}})
		require.Equal(t, http.StatusOK, status)
		b.click(".webhook-table a.row-title")
		b.clickText("Edit")
		b.waitText("h1", "Edit webhook")
		b.waitFor("the form filled in", `document.querySelector('input[name="name"]')?.value === 'Order sync'`, stepTimeout)
		require.True(t, eval[bool](b, `document.querySelector('input[value="comment.*"]').checked`), "the picker shows the subscribed events")
		require.Equal(t, apiKey, eval[string](b, `document.querySelector('.header-row input[aria-label="Header value"]').value`),
			"the form shows the real value, not its mask")
		b.clearField(`input[name="name"]`)
		b.typeInto(`input[name="name"]`, "Order sync v2")
		b.clickText("Save changes")
		b.waitText("h1", "Order sync v2")
		_, revealed := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/secret", id), adminToken, nil)
		require.Equal(t, map[string]any{"X-Api-Key": apiKey}, revealed["headers"])

		b.clickText("Disable")
		b.waitText("dialog[open]", "cancels the deliveries queued for it")
		b.clickText("Disable webhook")
		b.waitText(".page-title .badge", "Disabled")
		b.waitText(".callout", "This webhook is disabled")
		b.clickText("Enable")
		b.waitText(".page-title .badge", "Active")

		b.clickText("Delete…")
		b.waitText("dialog[open]", "Delete “Order sync v2”?")
		b.clickText("Delete webhook")
		b.waitText(".state-empty", "No webhooks yet")
		status, _ = e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
		require.Equal(t, http.StatusNotFound, status)
	})
}

func TestTestFire(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, secret := e.webhook(t, "Receiver", e.rcv.URL, 0, "comment.created")
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitText("h1", "Receiver")

	b.clickText("Send test event")
	b.waitText(".test-result", "Webhook test successful.")
	b.waitText(".test-result .test-status", "200")
	b.waitText(".test-result .test-time", "ms")

	// The receiver got a request signed with the webhook's secret.
	got := e.rcv.WaitFor(t, 1, 5*time.Second)[0]
	require.Equal(t, "webhook.test", got.Header.Get("Hookd-Event-Type"))
	require.NoError(t, delivery.VerifySignature(got.Header.Get("Hookd-Signature"), got.Body, secret, 5*time.Minute, time.Now()))

	// The request carried the id of the delivery it is logged as.
	linked := eval[string](b, `document.querySelector('.test-result a[href^="#/deliveries/"]').getAttribute('href').split('/').pop()`)
	require.Equal(t, linked, got.Header.Get("Hookd-Delivery-Id"))

	// The test-fire lands in the delivery log and the chart, and "Last
	// delivered" counts it as the chart does.
	b.waitFor("the test delivery in the log", `document.querySelector('.delivery-table [data-status="succeeded"]')`, stepTimeout)
	b.waitText(".delivery-table", "webhook.test")
	b.waitText(`.stat[data-stat="succeeded"]`, "1")
	b.waitFor("Last delivered to say when", `[...document.querySelectorAll('.details-card .fact')].some((f) =>
		f.querySelector('dt').textContent === 'Last delivered' && f.querySelector('time'))`, stepTimeout)
	b.screenshot("webhook-detail")
}

func TestFailingDeliveryAndRedeliver(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	id, _ := e.webhook(t, "Billing endpoint", e.rcv.URL, 1, "comment.*")
	status, out := e.call(t, http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": "CRM sync (paused)", "url": "https://crm.example.com/hooks/hookd", "events": []string{"user.*", "space.member_joined"},
		"status": "inactive",
	})
	require.Equal(t, http.StatusCreated, status, "%v", out)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitText("h1", "Billing endpoint")

	for i := range 2 {
		status, out = e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{
			"type": "comment.created", "data": map[string]any{"comment_id": 100 + i, "text": "Hello"},
		})
		require.Equal(t, http.StatusAccepted, status, "%v", out)
	}

	t.Run("FailedDeliveryAppearsInTheLog", func(t *testing.T) {
		b := b.in(t)
		// The log refreshes by itself; each delivery fails twice (one retry).
		b.waitFor("two failed deliveries in the log",
			`document.querySelectorAll('.delivery-table [data-status="failed"]').length === 2`, 20*time.Second)
		b.waitText(".delivery-table", "HTTP 500")
		b.waitText(".details-card", "HTTP 500")
		b.waitText(`.stat[data-stat="failed"]`, "2")
		b.screenshot("webhook-detail-failing")
	})

	t.Run("DeliveryShowsWhyItFailedWithEachAttempt", func(t *testing.T) {
		b := b.in(t)
		b.click(`.delivery-table tbody tr:last-child a.row-title`)
		b.waitText(".why", "Why it failed")
		b.waitText(".why .why-error", "HTTP 500")
		b.waitText(".why", "server error")
		b.waitFor("two attempts", `document.querySelectorAll('.attempt').length === 2`, stepTimeout)
		b.waitText(".attempt .attempt-status", "HTTP 500")
		b.waitText(".attempt pre", "Internal Server Error")
		b.waitText(".attempt .kv", "Hookd-Signature")
		b.screenshot("delivery-failed")
	})

	t.Run("RedeliverAfterTheReceiverRecovers", func(t *testing.T) {
		b := b.in(t)
		e.rcv.Respond(deliverytest.Status(http.StatusOK))
		b.clickText("Redeliver")
		b.waitFor("the delivery to succeed", `document.querySelector('.page-title [data-status="succeeded"]')`, 20*time.Second)
		b.waitText(".callout-success", "Delivered")
		b.waitFor("the new attempt", `document.querySelectorAll('.attempt').length === 3`, stepTimeout)
		b.waitText(".attempt-ok", "cycle 2")
		b.screenshot("delivery-succeeded")
	})

	t.Run("RecoverTheOtherFailedDelivery", func(t *testing.T) {
		b := b.in(t)
		b.clickText("← Billing endpoint")
		b.waitText("h1", "Billing endpoint")
		b.clickText("Recover…")
		b.waitFor("the recover dialog", `document.querySelector('dialog[open] input[type="datetime-local"]')`, stepTimeout)
		b.clickText("Recover deliveries")
		b.waitText(".toast", "Recovery scheduled for 1 delivery.")
		b.waitFor("every delivery to succeed",
			`document.querySelectorAll('.delivery-table [data-status="succeeded"]').length === 2`, 20*time.Second)
	})

	t.Run("ListShowsStateAndChart", func(t *testing.T) {
		b := b.in(t)
		b.open("/webhooks")
		b.waitText(".webhook-table", "Billing endpoint")
		b.waitText(".webhook-table", "CRM sync (paused)")
		b.waitFor("the sparklines", `document.querySelectorAll('.webhook-table svg.spark').length === 2`, stepTimeout)
		b.waitFor("bars in the sparkline", `document.querySelector('.webhook-table svg.spark rect')`, stepTimeout)
		b.screenshot("webhooks")
	})
}

func TestEvents(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.webhook(t, "All comments", e.rcv.URL, 0, "comment.*")
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open("/events")
	b.waitText(".state-empty", "No events yet")

	b.clickText("Send an event")
	b.waitText("h1", "Send an event")
	b.typeInto(`input[name="type"]`, "comment.created")
	b.waitText(".type-desc", "new comment")

	t.Run("JSONEditorValidatesAsYouType", func(t *testing.T) {
		b := b.in(t)
		b.clearField("textarea")
		b.typeInto("textarea", `{"comment_id": `)
		b.waitText(".json-status", "Invalid JSON")
		b.typeInto("textarea", `42, "text": "Hello"}`)
		b.waitText(".json-status", "Valid JSON object")
		b.screenshot("event-send")
	})

	t.Run("SendAndFollowItsDeliveries", func(t *testing.T) {
		b := b.in(t)
		b.clickText("Send event")
		b.waitText(".callout-success", "Event accepted")
		b.waitText(".callout-success", "delivering it to 1 webhook")
		got := e.rcv.WaitFor(t, 1, 10*time.Second)[0]
		require.Contains(t, string(got.Body), `"comment_id":42`)

		b.clickText("View event and deliveries")
		b.waitText("h1", "comment.created")
		b.waitFor("the delivery to succeed", `document.querySelector('.table [data-status="succeeded"]')`, 15*time.Second)
		b.waitText(".code", `"text": "Hello"`)
	})

	t.Run("ListShowsDeliveryState", func(t *testing.T) {
		b := b.in(t)
		b.open("/events")
		b.waitText(".event-table", "comment.created")
		b.waitText(".event-table", "1 succeeded")
		b.screenshot("events")
	})
}

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open("/tokens")
	b.waitText("h1", "API tokens")
	b.waitText(".state-empty", "bootstrap admin token")

	var value string
	t.Run("CreateShowsTheValueOnce", func(t *testing.T) {
		b := b.in(t)
		b.clickText("New token")
		b.waitFor("the create dialog", `document.querySelector('dialog[open] input[name="name"]') === document.activeElement`, stepTimeout)
		b.typeInto(`dialog[open] input[name="name"]`, "CI emitter")
		b.clickText("Create token")
		b.waitText("dialog[open] .token-created", "Copy it now")
		value = eval[string](b, `document.querySelector('dialog[open] .secret-value').textContent`)
		require.NotEmpty(t, value)
		status, me := e.call(t, http.MethodGet, "/v2/me", value, nil)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, []any{"events.write"}, me["scopes"])
		b.clickText("Done")
		b.waitFor("the dialog to close", `!document.querySelector('dialog')`, stepTimeout)
		b.waitText(".token-table", "CI emitter")
		b.screenshot("tokens")
	})

	t.Run("EscapeCancelsTheConfirmation", func(t *testing.T) {
		b := b.in(t)
		b.click(`button[aria-label="Revoke CI emitter"]`)
		b.waitText("dialog[open]", "Revoke “CI emitter”?")
		b.key(kb.Escape)
		b.waitFor("the dialog to close", `!document.querySelector('dialog')`, stepTimeout)
		require.Equal(t, "Revoke CI emitter", eval[string](b, `document.activeElement.getAttribute('aria-label')`))
		status, _ := e.call(t, http.MethodGet, "/v2/me", value, nil)
		require.Equal(t, http.StatusOK, status)
	})

	t.Run("RevokedTokenDisappearsAndIsRefused", func(t *testing.T) {
		b := b.in(t)
		b.click(`button[aria-label="Revoke CI emitter"]`)
		b.waitText("dialog[open]", "Revoke “CI emitter”?")
		b.clickText("Revoke token")
		b.waitText(".toast", "revoked")
		b.waitGone(".token-table", "CI emitter")
		status, out := e.call(t, http.MethodGet, "/v2/me", value, nil)
		require.Equal(t, http.StatusUnauthorized, status)
		require.Equal(t, "unauthorized", out["code"])
	})
}
