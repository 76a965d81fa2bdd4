package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/deliverytest"
)

// The dashboard says what is true: about secrets after a rotation, about
// cancelled deliveries and what a disable cancelled, about times to come,
// and about its own updates when they fail.

// queued inserts n events with a pending delivery each for webhookID, due
// in due, with no job to send them: deliveries waiting for their turn.
func (e *env) queued(t *testing.T, webhookID int64, n int, due time.Duration) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		id := domain.NewEventID()
		body := fmt.Sprintf(`{"id":%q,"type":"comment.created","created":"2026-01-02T03:04:05.000Z","version":"1","data":{"comment_id":%d}}`, id, 500+i)
		_, err := e.db.Pool.Exec(e.ctx, `INSERT INTO events (id, tenant, type, body) VALUES ($1, 'default', 'comment.created', $2)`, id, []byte(body))
		require.NoError(t, err)
		var did int64
		require.NoError(t, e.db.Pool.QueryRow(e.ctx, `INSERT INTO deliveries (event_id, webhook_id, tenant, event_type, next_attempt_at)
			VALUES ($1, $2, 'default', 'comment.created', now() + $3::interval) RETURNING id`, id, webhookID, due.String()).Scan(&did))
		ids = append(ids, did)
	}
	return ids
}

// choose sets a select's or input's value as a user's pick does, change
// event included.
func (b *browser) choose(sel, value string) {
	b.t.Helper()
	b.stable(sel, fmt.Sprintf(`document.querySelector(%s)`, jsString(sel)))
	eval[bool](b, fmt.Sprintf(`(() => { const el = document.querySelector(%s); el.value = %s;
		el.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, jsString(sel), jsString(value)))
}

// clickIn clicks the button or link labelled text inside scope (a modal
// dialog, say, whose page behind has a button of the same name).
func (b *browser) clickIn(scope, text string) {
	b.t.Helper()
	sel := byText(scope+" button, "+scope+" a", text)
	b.stable(fmt.Sprintf("a control labelled %q in %s", text, scope), string(sel))
	b.do(chromedp.Click(sel, chromedp.NodeVisible))
}

func TestSecretCardAfterRotation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, _ := e.webhook(t, "Rotating", e.rcv.URL, 0, "comment.created")
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitText(".secret-card", "Only this secret signs.")
	before := eval[string](b, `document.querySelector('.secret-hint').textContent`)

	b.clickText("Rotate…")
	b.waitText("dialog[open]", "The old secret keeps signing for")
	b.clickText("Rotate secret")
	b.waitText("dialog[open]", "New signing secret")
	shown := eval[string](b, `document.querySelector('dialog[open] .secret-value').textContent`)
	b.clickText("Done")
	b.waitFor("the dialog to close", `!document.querySelector('dialog')`, stepTimeout)

	// The card shows the new secret's hint and until when the old one signs.
	b.waitFor("the card to show the new secret", fmt.Sprintf(`document.querySelector('.secret-hint').textContent === %s`, jsString(domain.Hint(shown))), stepTimeout)
	require.NotEqual(t, before, eval[string](b, `document.querySelector('.secret-hint').textContent`))
	b.waitText(".secret-card .secret-overlap", "The previous secret also signs until")
	_, hook := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
	require.Equal(t, hook["previous_secret_expires_at"], eval[string](b, `document.querySelector('.secret-overlap').dataset.overlap`))
	until, err := time.Parse(time.RFC3339, hook["previous_secret_expires_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().Add(24*time.Hour), until, time.Minute, "24 hours by default")
	b.waitText(".secret-card .secret-overlap", "in 23 h")
	b.screenshot("secret-rotated")

	t.Run("VerificationCodeBesideTheSteps", func(t *testing.T) {
		b := b.in(t)
		b.click(".secret-card .verify > summary")
		b.waitText(".secret-card .verify-steps", "HMAC-SHA256")
		b.waitText(".secret-card .snippet-panel:not([hidden])", "createHmac")
		for lang, want := range map[string]string{"Python": "hmac.compare_digest", "Go": "hmac.Equal", "PHP": "hash_equals", "Node.js": "timingSafeEqual"} {
			b.clickIn(".secret-card", lang)
			b.waitText(".secret-card .snippet-panel:not([hidden])", want)
		}
		b.clickIn(".secret-card", "PHP")
		b.waitText(".secret-card .snippet-panel:not([hidden])", "HTTP_HOOKD_SIGNATURE")
		steps := eval[float64](b, `document.querySelector('.secret-card .verify-steps').getBoundingClientRect().right`)
		code := eval[float64](b, `document.querySelector('.secret-card .snippets').getBoundingClientRect().left`)
		require.Less(t, steps, code, "the code sits beside the steps on a desktop")
		b.screenshot("verify-snippets")
	})
}

// A disable by hookd (410 Gone here) says when and why, what failed and
// what it cancelled; the cancelled delivery says why and promises nothing;
// re-enabling sends them all again in one step.
func TestDisableSaysWhatItCancelled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.rcv.Respond(deliverytest.Status(http.StatusGone))
	id, _ := e.webhook(t, "Legacy CRM", e.rcv.URL, 3, "comment.created")
	waiting := e.queued(t, id, 3, time.Hour)
	status, out := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{"id": 1}})
	require.Equal(t, http.StatusAccepted, status, "%v", out)
	e.rcv.WaitFor(t, 1, 10*time.Second)

	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitText(".disabled-callout", "hookd disabled this webhook")
	b.waitText(".disabled-callout", "The endpoint answered 410 Gone.")
	b.waitText(".disabled-callout", "It cancelled 3 queued deliveries then.")
	b.waitText(".disabled-callout .failing-run", "1 delivery failed since the last success, the first created")
	b.waitText(".disabled-callout", "Disabled ")
	b.waitText(".details-card .failing-since", "1 failed delivery since the last success")
	b.waitText(".page-title .badge", "Disabled by hookd")
	b.waitFor("the log to show them cancelled", `document.querySelectorAll('.delivery-table [data-status="cancelled"]').length === 3`, stepTimeout)
	b.screenshot("webhook-auto-disabled")

	t.Run("CancelledDeliverySaysWhy", func(t *testing.T) {
		b := b.in(t)
		b.open(fmt.Sprintf("/deliveries/%d", waiting[0]))
		b.waitText(".why-cancelled .callout-title", "Cancelled")
		b.waitText(".why-cancelled .why-reason", "hookd disabled the webhook. The endpoint answered 410 Gone.")
		b.waitText(".why-cancelled", "hookd made no attempt and will make none.")
		b.waitText(".no-attempts", "No attempt was made: the delivery was cancelled before its first attempt.")
		text := eval[string](b, `document.querySelector('main').innerText`)
		require.NotContains(t, text, "will try shortly")
		require.NotContains(t, text, "hookd will try")
		b.screenshot("delivery-cancelled")
	})

	t.Run("EnableAndResend", func(t *testing.T) {
		b := b.in(t)
		e.rcv.Respond(deliverytest.Status(http.StatusOK))
		b.open(fmt.Sprintf("/webhooks/%d", id))
		b.clickText("Enable and re-send 1 failed delivery and 3 cancelled deliveries")
		b.waitText(".toast", "Webhook enabled; 1 failed delivery and 3 cancelled deliveries sent again.")
		b.waitText(".page-title .badge", "Active")
		e.rcv.WaitFor(t, 5, 15*time.Second) // the 410, then it again and the three
		b.waitFor("the four to succeed", `document.querySelectorAll('.delivery-table [data-status="succeeded"]').length === 4`, 20*time.Second)
		// Their first success was the recovery: nothing is failing any more.
		require.Eventually(t, func() bool {
			_, hook := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
			return hook["failed_deliveries"] == float64(0) && hook["failing_since"] == nil
		}, 10*time.Second, 50*time.Millisecond)
	})

	t.Run("DisablingByHandAsksAndSays", func(t *testing.T) {
		b := b.in(t)
		e.queued(t, id, 2, time.Hour)
		b.open(fmt.Sprintf("/webhooks/%d", id))
		b.clickText("Disable")
		b.waitText("dialog[open]", "cancels the deliveries queued for it")
		b.clickText("Disable webhook")
		b.waitText(".toast", "Webhook disabled; 2 queued deliveries cancelled.")
		b.waitText(".disabled-callout", "This webhook is disabled")
		b.waitText(".disabled-callout", "It cancelled 2 queued deliveries then.")
		b.clickText("Enable")
		b.waitText("dialog[open]", "Send them now, with fresh signatures?")
		b.clickIn("dialog[open]", "Enable only")
		b.waitText(".page-title .badge", "Active")
		_, hook := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, nil)
		require.EqualValues(t, 0, hook["disabled_cancelled"])
	})
}

// Times to come count down ("in 29 s"), never "just now", and every
// absolute time names its zone, with UTC on hover.
func TestTimesSayWhenAndWhere(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, _ := e.webhook(t, "Later", e.rcv.URL, 0, "comment.created")
	due := e.queued(t, id, 1, 2*time.Minute)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/deliveries/%d", due[0]))
	b.waitText(".why .callout-title", "Queued")
	b.waitFor("a countdown", `/First attempt due in (\d+ min )?\d+ s/.test(document.querySelector('.why').textContent)`, stepTimeout)
	first := eval[string](b, `document.querySelector('.why .ts-rel').textContent`)
	b.waitFor("the countdown to move", fmt.Sprintf(`document.querySelector('.why .ts-rel').textContent !== %s`, jsString(first)), 5*time.Second)
	require.NotContains(t, eval[string](b, `document.querySelector('main').innerText`), "just now")
	b.waitText(".no-attempts", "No attempt yet: the first is due in")

	abs := eval[string](b, `document.querySelector('.summary-card .ts-abs').textContent`)
	require.Regexp(t, `(UTC|GMT)`, abs, "an absolute time names its zone")
	require.Contains(t, eval[string](b, `document.querySelector('.summary-card time').title`), "UTC")
	b.screenshot("delivery-queued")
}

// The Live indicator turns to a warning while its polls fail and the rows
// stay; it turns back when they succeed.
func TestLiveIndicatorWarnsAndKeepsRows(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, _ := e.webhook(t, "Polled", e.rcv.URL, 0, "comment.created")
	status, _ := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{"id": 1}})
	require.Equal(t, http.StatusAccepted, status)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitFor("the delivery in the log", `document.querySelector('.delivery-table [data-status="succeeded"]')`, 15*time.Second)

	b.expectAPIStatus(http.StatusServiceUnavailable)
	e.fail("/deliveries")
	b.waitFor("the warning", `document.querySelector('.log-card .live-dot').dataset.state === 'error'`, 10*time.Second)
	b.waitText(".log-card .live-dot", "Not updating")
	require.True(t, eval[bool](b, `!!document.querySelector('.delivery-table [data-status="succeeded"]')`), "the rows stay on screen")
	b.screenshot("webhook-live-warning")

	e.heal()
	b.waitFor("Live again", `document.querySelector('.log-card .live-dot').dataset.state === 'ok'`, 10*time.Second)
	b.waitText(".log-card .live-dot", "Live")

	t.Run("WebhookList", func(t *testing.T) {
		b := b.in(t)
		b.open("/webhooks")
		b.waitText(".webhook-table", "Polled")
		e.fail("/v2/admin/webhooks")
		b.waitFor("the warning", `document.querySelector('.live-dot').dataset.state === 'error'`, 15*time.Second)
		require.True(t, eval[bool](b, `!!document.querySelector('.webhook-table')`), "the rows stay on screen")
		e.heal()
		b.waitFor("Live again", `document.querySelector('.live-dot').dataset.state === 'ok'`, 15*time.Second)
	})
}

// The payload's raw view is the exact bytes sent, which a pretty print is
// not (escapes, number spelling).
func TestPayloadRawView(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, _ := e.webhook(t, "Exact", e.rcv.URL, 0, "comment.created")
	status, out := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created",
		"data": map[string]any{"price": 1.5, "text": "<b>é</b> & more"}})
	require.Equal(t, http.StatusAccepted, status, "%v", out)
	got := e.rcv.WaitFor(t, 1, 10*time.Second)[0]
	_, list := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/deliveries", id), adminToken, nil)
	deliveryID := int64(list["deliveries"].([]any)[0].(map[string]any)["id"].(float64))

	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/deliveries/%d", deliveryID))
	b.waitText(".payload-card", "Pretty")
	require.Contains(t, eval[string](b, `document.querySelector('.payload-code').textContent`), "\n  \"id\"", "pretty by default")
	b.clickText("Raw (exact bytes)")
	b.waitFor("the raw view", `document.querySelector('.payload-code').dataset.view === 'raw'`, stepTimeout)
	require.Equal(t, string(got.Body), eval[string](b, `document.querySelector('.payload-code').textContent`), "byte for byte what the receiver got")
	b.waitText(".payload-card .card-desc", fmt.Sprintf("%d B.", len(got.Body)))
	b.screenshot("delivery-payload-raw")
}

// Search finds webhooks by name or URL, an event by id and a delivery by
// number, and says so when nothing matches, without a 404 in the console.
func TestSearch(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, _ := e.webhook(t, "Orders sync", e.rcv.URL+"/orders", 0, "comment.created")
	e.webhook(t, "CRM", e.rcv.URL+"/crm", 0, "comment.created")
	status, out := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{}, "id": "order-1001"})
	require.Equal(t, http.StatusAccepted, status, "%v", out)
	e.rcv.WaitFor(t, 2, 10*time.Second)
	_, list := e.call(t, http.MethodGet, fmt.Sprintf("/v2/admin/webhooks/%d/deliveries", id), adminToken, nil)
	deliveryID := int64(list["deliveries"].([]any)[0].(map[string]any)["id"].(float64))

	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	search := func(q string) {
		b.clearField("#topsearch-q")
		b.typeInto("#topsearch-q", q+"\n")
	}
	search("orders")
	b.waitText("h1", "Search")
	b.waitText(".card", "Orders sync")
	require.False(t, eval[bool](b, `document.querySelector('main').innerText.includes('CRM')`), "only what matches")
	b.screenshot("search-results")

	search("order-1001")
	b.waitFor("the event page", `location.hash.startsWith('#/events/order-1001')`, stepTimeout)
	b.waitText("h1", "comment.created")

	search(fmt.Sprintf("#%d", deliveryID))
	b.waitFor("the delivery page", fmt.Sprintf(`location.hash === '#/deliveries/%d'`, deliveryID), stepTimeout)

	search("no-such-thing-anywhere")
	b.waitText(".state-empty", "Nothing found")

	t.Run("WebhookListSearchKeptInTheURL", func(t *testing.T) {
		b := b.in(t)
		b.open("/webhooks")
		b.waitText(".webhook-table", "CRM")
		b.typeInto(".list-search", "crm")
		b.waitFor("the filtered list", `document.querySelectorAll('.webhook-table tbody tr').length === 1`, stepTimeout)
		b.waitFor("q in the URL", `location.hash.includes('q=crm')`, stepTimeout)
		b.do(chromedp.Reload())
		b.waitFor("the filtered list after a reload", `document.querySelectorAll('.webhook-table tbody tr').length === 1 && document.querySelector('.list-search').value === 'crm'`, stepTimeout)
	})
}

func (b *browser) colorScheme(scheme string) {
	b.t.Helper()
	b.do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return chromedp.Void{}, err
	})
}

// Dark mode follows the system, and the toggle overrides it for good.
func TestDarkMode(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id, _ := e.webhook(t, "Night shift", e.rcv.URL, 0, "comment.created")
	status, _ := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "comment.created", "data": map[string]any{"id": 1}})
	require.Equal(t, http.StatusAccepted, status)
	b := newBrowser(t, e.url)
	background := `getComputedStyle(document.body).backgroundColor`
	b.colorScheme("dark")
	b.signIn(adminToken)
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitFor("the delivery in the log", `document.querySelector('.delivery-table [data-status="succeeded"]')`, 15*time.Second)
	dark := eval[string](b, background)
	require.Equal(t, "rgb(11, 16, 32)", dark, "the system's dark preference applies")
	b.screenshot("webhook-detail-dark")

	// system → light → dark: a pick outlives the system's preference.
	b.click("#theme-toggle")
	b.waitFor("light", `document.documentElement.dataset.theme === 'light'`, stepTimeout)
	require.Equal(t, "rgb(246, 247, 249)", eval[string](b, background))
	b.do(chromedp.Reload())
	b.waitFor("light after a reload", `getComputedStyle(document.body).backgroundColor === 'rgb(246, 247, 249)'`, stepTimeout)
	b.colorScheme("light")
	b.click("#theme-toggle")
	b.waitFor("dark though the system is light", `getComputedStyle(document.body).backgroundColor === 'rgb(11, 16, 32)'`, stepTimeout)
	b.open("/events")
	b.waitText(".event-table", "comment.created")
	b.screenshot("events-dark")
	b.click("#theme-toggle") // back to the system's
	b.waitFor("the system's again", `!document.documentElement.dataset.theme && localStorage.getItem('hookd.theme') === null`, stepTimeout)
}

// Forms: errors sit beside their fields, clear as each is fixed, focus the
// first one the form shows, read in one style, and a form the API would
// refuse is not sent (no 400 in the console: checkConsole fails on one).
func TestFormErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open("/webhooks/new")
	b.waitText("h1", "Create a webhook")
	b.clearField(`input[name="retry_count"]`)
	b.typeInto(`input[name="retry_count"]`, "12")
	b.clickText("Create webhook")
	b.waitText(`.field[data-field="name"] .field-error`, "Name must not be empty.")
	b.waitText(`.field[data-field="url"] .field-error`, "Endpoint URL must not be empty.")
	b.waitText(`.field[data-field="events"] .field-error`, "Events must list at least one event type.")
	b.waitText(`.field[data-field="retry_count"] .field-error`, "Retries must be a whole number between 0 and 8.")
	b.waitText(".form-error", "Please fix the 4 highlighted fields.")
	require.Equal(t, "name", eval[string](b, `document.activeElement.name`), "focus on the first field in error, in the form's order")
	b.screenshot("webhook-form-errors")

	b.typeInto(`input[name="name"]`, "Fixed")
	b.waitFor("the name's error to clear", `document.querySelector('.field[data-field="name"] .field-error').hidden`, stepTimeout)
	require.False(t, eval[bool](b, `document.querySelector('.field[data-field="url"] .field-error').hidden`), "the others stay")
	require.False(t, eval[bool](b, `document.querySelector('input[name="name"]').hasAttribute('aria-invalid')`))

	// Every message is a sentence that starts with a capital and ends with a period.
	for _, msg := range eval[[]string](b, `[...document.querySelectorAll('.field-error:not([hidden])')].map((el) => el.textContent)`) {
		require.Regexp(t, `^[A-Z"].*\.$`, msg)
	}
	require.Zero(t, eval[int](b, `performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/v2/admin/webhooks') && r.initiatorType === 'fetch').length`),
		"nothing was sent")

	t.Run("TheAPIsMessagesInTheSameStyle", func(t *testing.T) {
		b := b.in(t)
		e2 := setup(t, func(c *hookd.Config) { c.MaxWebhooksPerTenant = 1 })
		e2.webhook(t, "First", e2.rcv.URL, 0, "comment.created")
		b2 := newBrowser(t, e2.url)
		b2.signIn(adminToken)
		b2.open("/webhooks/new")
		b2.typeInto(`input[name="name"]`, "Second")
		b2.typeInto(`input[name="url"]`, e2.rcv.URL)
		b2.typeInto(".picker-search", "comment.created")
		b2.click(`input[value="comment.created"]`)
		b2.expectAPIStatus(http.StatusConflict) // the limit cannot be known before asking
		b2.clickText("Create webhook")
		b2.waitText(".form-error", "This tenant has reached its limit of 1 webhooks.")
		_ = b
	})
}

// The layout holds with real data: the webhook table fits its card at
// 1280 px, long event chips wrap on a 390 px phone, and no panel touches
// the buttons above it.
func TestLayout(t *testing.T) {
	t.Parallel()
	e := setup(t)
	long := []string{"loyalty.prize_request.updated", "notification.collapsed_for_advertising", "connection_request.cancelled",
		"user.loyalty_points_updated", "content_review_approved"}
	var id int64
	for i := range 6 {
		id, _ = e.webhook(t, fmt.Sprintf("Customer success platform integration number %d (production)", i),
			fmt.Sprintf("%s/very/long/path/to/the/webhook/receiver/endpoint/that/goes/on/%d?tenant=acme-corporation-international", e.rcv.URL, i),
			0, long...)
	}
	status, _ := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "user.loyalty_points_updated", "data": map[string]any{}})
	require.Equal(t, http.StatusAccepted, status)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	b.open("/webhooks")
	b.waitFor("the sparklines", `document.querySelectorAll('.webhook-table svg.spark').length === 6`, 15*time.Second)
	fits := `(() => { const w = document.querySelector('.webhook-table'); return w.scrollWidth <= w.clientWidth + 1 &&
		[...w.querySelectorAll('td, th')].every((c) => c.scrollWidth <= c.clientWidth + 1); })()`
	require.True(t, eval[bool](b, fits), "no column hides behind a scroll at 1280 px")
	require.True(t, eval[bool](b, `document.documentElement.scrollWidth <= 1280`))

	// gaps checks that each block of the page keeps clear of the one above.
	gaps := `[...document.querySelectorAll('.container > *')].filter((el) => el.offsetHeight > 0).every((el, i, all) =>
		i === 0 || el.getBoundingClientRect().top - all[i - 1].getBoundingClientRect().bottom >= 12)`
	require.True(t, eval[bool](b, gaps), "blocks keep apart")

	b.do(chromedp.EmulateViewport(phoneW, phoneH, chromedp.EmulateMobile))
	b.settle()
	require.True(t, eval[bool](b, `document.documentElement.scrollWidth <= 390`), "the list does not widen the phone's page")
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitText(".details-card", "notification.collapsed_for_advertising")
	b.settle()
	require.True(t, eval[bool](b, `document.documentElement.scrollWidth <= 390`), "long chips wrap")
	require.True(t, eval[bool](b, `[...document.querySelectorAll('.chip')].every((c) => c.getBoundingClientRect().right <= 390)`))
	require.True(t, eval[bool](b, gaps), "blocks keep apart on a phone")
	b.do(chromedp.EmulateViewport(desktopW, desktopH))
	b.settle()
	require.True(t, eval[bool](b, gaps), "blocks keep apart on the desktop")
	b.open("/webhooks")
	b.waitFor("the sparklines", `document.querySelectorAll('.webhook-table svg.spark').length === 6`, 15*time.Second)
	b.screenshot("webhooks-long")
	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitText(".details-card", "notification.collapsed_for_advertising")
	b.screenshot("webhook-long-chips")
}

// What a Stripe, Svix or Hookdeck user looks for in lists: filters and
// page in the URL, the log's types from the webhook's own events, page
// size, live updates, copy buttons, example data, one status word.
func TestListsFiltersAndHelpers(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.rcv.Respond(deliverytest.Status(http.StatusInternalServerError))
	id, _ := e.webhook(t, "Comments", e.rcv.URL, 0, "comment.*")
	for i := range 12 {
		typ := "comment.created"
		if i%3 == 0 {
			typ = "comment.updated"
		}
		status, out := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": typ, "data": map[string]any{"n": i}})
		require.Equal(t, http.StatusAccepted, status, "%v", out)
	}
	e.rcv.WaitFor(t, 12, 15*time.Second)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)

	t.Run("DeliveryLogFiltersPageAndSizeInTheURL", func(t *testing.T) {
		b := b.in(t)
		b.open(fmt.Sprintf("/webhooks/%d", id))
		b.waitFor("the failed deliveries", `document.querySelectorAll('.delivery-table [data-status="failed"]').length === 12`, 20*time.Second)
		options := eval[[]string](b, `[...document.querySelector('select[aria-label="Filter by event type"]').options].map((o) => o.value).filter(Boolean)`)
		require.Equal(t, []string{"comment.created", "comment.deleted", "comment.restored", "comment.updated", "webhook.test"}, options,
			"the webhook's own types, not the whole catalog")
		b.choose(`select[aria-label="Filter by event type"]`, "comment.updated")
		b.waitFor("the filtered log", `document.querySelectorAll('.delivery-table tbody tr').length === 4`, stepTimeout)
		b.choose(`select[aria-label="Filter by event type"]`, "")
		b.waitFor("the whole log", `document.querySelectorAll('.delivery-table tbody tr').length === 12`, stepTimeout)
		b.choose(`.log-card .pager-size select`, "10")
		b.waitFor("ten rows", `document.querySelectorAll('.delivery-table tbody tr').length === 10`, stepTimeout)
		b.clickText("Next →")
		b.waitFor("page 2", `document.querySelectorAll('.delivery-table tbody tr').length === 2`, stepTimeout)
		b.choose(`select[aria-label="Filter by delivery status"]`, "failed")
		b.waitFor("the state in the URL", `location.hash.includes('status=failed') && location.hash.includes('per_page=10')`, stepTimeout)
		b.clickText("Next →")
		b.waitFor("page 2 in the URL", `location.hash.includes('page=2')`, stepTimeout)
		b.do(chromedp.Reload())
		b.waitFor("the same page after a reload", `document.querySelectorAll('.delivery-table tbody tr').length === 2 &&
			document.querySelector('select[aria-label="Filter by delivery status"]').value === 'failed' &&
			document.querySelector('.log-card .pager-size select').value === '10'`, 15*time.Second)
		b.waitText(".log-card .pager", "11–12 of 12")
	})

	t.Run("LatencyChartBesideTheDeliveries", func(t *testing.T) {
		b := b.in(t)
		b.waitFor("both charts", `document.querySelector('figure[data-chart="deliveries"] svg') && document.querySelector('figure[data-chart="latency"] svg circle')`, stepTimeout)
		a := eval[float64](b, `document.querySelector('figure[data-chart="deliveries"]').getBoundingClientRect().top`)
		l := eval[float64](b, `document.querySelector('figure[data-chart="latency"]').getBoundingClientRect().top`)
		require.InDelta(t, a, l, 2, "side by side")
		b.waitText(`.stat[data-stat="p50"]`, "ms")
	})

	t.Run("CopyButtons", func(t *testing.T) {
		b := b.in(t)
		for _, what := range []string{"webhook URL", "webhook id"} {
			require.True(t, eval[bool](b, fmt.Sprintf(`!!document.querySelector('button[aria-label="Copy %s"]')`, what)), what)
		}
		require.Positive(t, eval[int](b, `document.querySelectorAll('.delivery-table button[aria-label^="Copy delivery id"]').length`))
		b.click(`button[aria-label="Copy webhook URL"]`)
		b.waitFor("copied", `document.querySelector('button[aria-label="Copy webhook URL"]').classList.contains('copied')`, stepTimeout)
		require.Zero(t, eval[int](b, `document.querySelectorAll('.toast-error').length`))
	})

	t.Run("OneWordForTheStatus", func(t *testing.T) {
		b := b.in(t)
		status, _ := e.call(t, http.MethodPatch, fmt.Sprintf("/v2/admin/webhooks/%d", id), adminToken, map[string]any{"status": "inactive"})
		require.Equal(t, http.StatusOK, status)
		b.open("/webhooks")
		b.waitText(".webhook-table .badge", "Disabled")
		b.open(fmt.Sprintf("/webhooks/%d", id))
		b.waitText(".page-title .badge", "Disabled")
		for _, route := range []string{"/webhooks", fmt.Sprintf("/webhooks/%d", id), fmt.Sprintf("/webhooks/%d/edit", id)} {
			b.open(route)
			b.waitFor("the page", `!document.querySelector('.state-loading')`, stepTimeout)
			time.Sleep(200 * time.Millisecond)
			require.NotContains(t, strings.ToLower(eval[string](b, `document.querySelector('main').innerText + [...document.querySelectorAll('option')].map((o) => o.textContent).join(' ')`)), "inactive", route)
		}
	})

	t.Run("EventsFiltersInTheURLAndLive", func(t *testing.T) {
		b := b.in(t)
		status, out := e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "space.created", "data": map[string]any{}, "tenant": "acme"})
		require.Equal(t, http.StatusAccepted, status, "%v", out)
		b.open("/events")
		b.waitText(".event-table", "space.created")
		b.typeInto(".filter-tenant", "acme\n")
		b.waitFor("one event of tenant acme", `document.querySelectorAll('.event-table tbody tr').length === 1`, stepTimeout)
		b.waitFor("the tenant in the URL", `location.hash.includes('tenant=acme')`, stepTimeout)
		// A new event of that tenant appears by itself.
		status, _ = e.call(t, http.MethodPost, "/v2/events", adminToken, map[string]any{"type": "space.updated", "data": map[string]any{}, "tenant": "acme"})
		require.Equal(t, http.StatusAccepted, status)
		b.waitFor("the new event, live", `document.querySelectorAll('.event-table tbody tr').length === 2`, 15*time.Second)
		// A time range in the future holds nothing.
		future := time.Now().Add(time.Hour).Format("2006-01-02T15:04")
		b.choose(`.filter-range input[aria-label^="From"]`, future)
		b.waitText(".state-empty", "No events match these filters")
		b.waitFor("since in the URL", `location.hash.includes('since=')`, stepTimeout)
		b.screenshot("events-filtered")
		b.clickText("Clear filters")
		// Every event the API lists, operational events hookd emitted
		// for the failures above included.
		status, all := e.call(t, http.MethodGet, "/v2/events?limit=100", adminToken, nil)
		require.Equal(t, http.StatusOK, status)
		total := int(all["total"].(float64))
		b.waitFor("every event, a page full", fmt.Sprintf(
			`document.querySelectorAll('.event-table tbody tr').length === Math.min(%d, +document.querySelector('.pager-size select').value)`, total), stepTimeout)
	})

	t.Run("ExamplePayloadPerType", func(t *testing.T) {
		b := b.in(t)
		b.open("/events/new")
		b.typeInto(`input[name="type"]`, "space.member_joined")
		b.waitFor("an example", `JSON.parse(document.querySelector('textarea').value).member`, stepTimeout)
		b.clearField(`input[name="type"]`)
		b.typeInto(`input[name="type"]`, "comment.created")
		b.waitFor("the example follows the type", `JSON.parse(document.querySelector('textarea').value).comment.author`, stepTimeout)
		b.typeInto("textarea", " ")
		b.clearField(`input[name="type"]`)
		b.typeInto(`input[name="type"]`, "user.created")
		time.Sleep(200 * time.Millisecond)
		require.True(t, eval[bool](b, `!!JSON.parse(document.querySelector('textarea').value).comment`), "edited data is kept")
		b.clickText("Use example data")
		b.waitFor("the user example", `JSON.parse(document.querySelector('textarea').value).user.email`, stepTimeout)
	})
}
