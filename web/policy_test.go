package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The retry schedule on the webhook form and page: the 3-day preset, a
// schedule typed in, one the API would refuse (not sent), and back to the
// default.
func TestWebhookRetrySchedule(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)

	var path string
	t.Run("CreateWithThePreset", func(t *testing.T) {
		b := b.in(t)
		b.open("/webhooks/new")
		b.waitText("h1", "Create a webhook")
		b.waitFor("the form", `document.querySelector('input[name="retry_schedule"]')`, stepTimeout)
		require.False(t, eval[bool](b, `document.querySelector('input[name="retry_count"]').disabled`), "the default: retries are counted")
		b.typeInto(`input[name="name"]`, "Weekend outages")
		b.typeInto(`input[name="url"]`, e.rcv.URL)
		b.typeInto(".picker-search", "member_joined")
		b.click(`input[value="space.member_joined"]`)
		b.clickText("Use the 3-day preset")
		require.Equal(t, "60, 300, 1800, 3600, 10800, 21600, 43200, 43200, 43200, 43200, 43200",
			eval[string](b, `document.querySelector('input[name="retry_schedule"]').value`))
		require.True(t, eval[bool](b, `document.querySelector('input[name="retry_count"]').disabled`), "the schedule sets the count")
		require.Equal(t, "11", eval[string](b, `document.querySelector('input[name="retry_count"]').value`))
		b.screenshot("webhook-form-retry-schedule")
		b.clickText("Create webhook")
		b.waitText(`.details-card [data-part="retries"]`, "11 retries after a failed attempt, waiting 1 min, 5 min, 30 min, 1 h, 3 h, 6 h, 12 h")
		b.waitText(`.details-card [data-part="retries"]`, "about 2.9 days in all")
		path = fmt.Sprintf("/v2/admin/webhooks/%d", int64(eval[float64](b, `Number(location.hash.split('/')[2])`)))
		_, hook := e.call(t, http.MethodGet, path, adminToken, nil)
		require.Len(t, hook["retry_schedule"], 11)
		require.EqualValues(t, 11, hook["retry_count"])
	})

	t.Run("RefusedScheduleNotSent", func(t *testing.T) {
		b := b.in(t)
		b.clickText("Edit")
		b.waitText("h1", "Edit webhook")
		b.waitFor("the schedule filled in", `document.querySelector('input[name="retry_schedule"]')?.value.startsWith('60, 300')`, stepTimeout)
		b.clearField(`input[name="retry_schedule"]`)
		b.typeInto(`input[name="retry_schedule"]`, "5, 0")
		b.clickText("Save changes")
		b.waitText(`.field[data-field="retry_schedule"] .field-error`, `Retry schedule wait 2 ("0") must be a whole number of seconds between 1 and 604800.`)
		// Nothing was sent: checkConsole fails the test on a 400.

		b.clearField(`input[name="retry_schedule"]`)
		b.typeInto(`input[name="retry_schedule"]`, "1, 2 3")
		require.Equal(t, "3", eval[string](b, `document.querySelector('input[name="retry_count"]').value`))
		b.clickText("Save changes")
		b.waitText(`.details-card [data-part="retries"]`, "3 retries after a failed attempt, waiting 1 s, 2 s, 3 s (6 s in all)")
		_, hook := e.call(t, http.MethodGet, path, adminToken, nil)
		require.Equal(t, []any{1.0, 2.0, 3.0}, hook["retry_schedule"])
	})

	t.Run("BackToTheDefault", func(t *testing.T) {
		b := b.in(t)
		b.clickText("Edit")
		b.waitFor("the schedule filled in", `document.querySelector('input[name="retry_schedule"]')?.value === '1, 2, 3'`, stepTimeout)
		b.clearField(`input[name="retry_schedule"]`)
		require.False(t, eval[bool](b, `document.querySelector('input[name="retry_count"]').disabled`))
		b.clearField(`input[name="retry_count"]`)
		b.typeInto(`input[name="retry_count"]`, "2")
		b.clickText("Save changes")
		b.waitText(`.details-card [data-part="retries"]`, "2 retries after a failed attempt, on the default schedule")
		_, hook := e.call(t, http.MethodGet, path, adminToken, nil)
		require.Nil(t, hook["retry_schedule"])
		require.EqualValues(t, 2, hook["retry_count"])
	})
}

// The rate limit on the webhook form and page: set, refused (not sent),
// lifted.
func TestWebhookRateLimit(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b := newBrowser(t, e.url)
	b.signIn(adminToken)
	id, _ := e.webhook(t, "Slack", e.rcv.URL, 3, "space.member_joined")
	path := fmt.Sprintf("/v2/admin/webhooks/%d", id)

	b.open(fmt.Sprintf("/webhooks/%d", id))
	b.waitText(`.details-card [data-part="rate-limit"]`, "Unlimited")
	b.clickText("Edit")
	b.waitText("h1", "Edit webhook")
	b.waitFor("the form", `document.querySelector('input[name="rate_limit"]')`, stepTimeout)
	require.Empty(t, eval[string](b, `document.querySelector('input[name="rate_limit"]').value`))
	b.typeInto(`input[name="rate_limit"]`, "0")
	b.clickText("Save changes")
	b.waitText(`.field[data-field="rate_limit"] .field-error`, "Rate limit must be a whole number of deliveries per second from 1 to 10000, or empty for no limit.")
	// Nothing was sent: checkConsole fails the test on a 400.

	b.clearField(`input[name="rate_limit"]`)
	b.typeInto(`input[name="rate_limit"]`, "50")
	b.screenshot("webhook-form-rate-limit")
	b.clickText("Save changes")
	b.waitText(`.details-card [data-part="rate-limit"]`, "50 deliveries per second at most, across every process")
	_, hook := e.call(t, http.MethodGet, path, adminToken, nil)
	require.EqualValues(t, 50, hook["rate_limit"])

	b.clickText("Edit")
	b.waitFor("the rate filled in", `document.querySelector('input[name="rate_limit"]')?.value === '50'`, stepTimeout)
	b.clearField(`input[name="rate_limit"]`)
	b.clickText("Save changes")
	b.waitText(`.details-card [data-part="rate-limit"]`, "Unlimited")
	_, hook = e.call(t, http.MethodGet, path, adminToken, nil)
	require.Nil(t, hook["rate_limit"])
}
