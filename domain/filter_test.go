package domain

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// Firstup's user_notification_created, category like (seed payload shape).
const firstupLike = `{"notification_id": 25120446, "user_id": 523427, "category": "like", "acknowledged": false,
	"label": "", "text": "", "details": {"like_count": 2, "content_id": 2487526, "acting_user_ids": [892374, 23874]}}`

func TestFilterMatch(t *testing.T) {
	t.Parallel()
	mention := `{"notification_id": 1, "user_id": 523427, "category": "mention", "details": {}}`
	comment := `{"space_id": 12, "user": {"id": 7, "roles": ["admin", "member"]}, "score": 2.5, "text": null,
		"attachments": [{"kind": "image"}, {"kind": "file", "size": 10}]}`
	tests := []struct {
		name, filter, eventType, data string
		want                          bool
	}{
		{"FirstupLikeOnly", `{"type": "user_notification_created", "data.category": "like"}`, "user_notification_created", firstupLike, true},
		{"FirstupLikeOnlySkipsMention", `{"type": "user_notification_created", "data.category": "like"}`, "user_notification_created", mention, false},
		{"FirstupLikeOnlySkipsOtherType", `{"type": "user_notification_created", "data.category": "like"}`, "user_notification_updated", firstupLike, false},
		{"FirstupCategoryIn", `{"data.category": {"$in": ["like", "mention"]}}`, "user_notification_created", mention, true},
		{"FirstupNestedDetails", `{"data.details.like_count": {"$gte": 2}}`, "user_notification_created", firstupLike, true},
		{"FirstupArrayElement", `{"data.details.acting_user_ids": 23874}`, "user_notification_created", firstupLike, true},
		{"FirstupArrayWhole", `{"data.details.acting_user_ids": [892374, 23874]}`, "user_notification_created", firstupLike, true},
		{"FirstupArrayOtherOrder", `{"data.details.acting_user_ids": [23874, 892374]}`, "user_notification_created", firstupLike, false},
		{"SpaceID", `{"data.space_id": 12}`, "comment.created", comment, true},
		{"SpaceIDNumeric", `{"data.space_id": 12.0}`, "comment.created", comment, true},
		{"SpaceIDOther", `{"data.space_id": 13}`, "comment.created", comment, false},
		{"SpaceIDAsStringIsNotTheNumber", `{"data.space_id": "12"}`, "comment.created", comment, false},
		{"SpaceIDNin", `{"data.space_id": {"$nin": [1, 2]}}`, "comment.created", comment, true},
		{"Range", `{"data.space_id": {"$gt": 10, "$lte": 12}}`, "comment.created", comment, true},
		{"RangeMismatchedType", `{"data.space_id": {"$gt": "1"}}`, "comment.created", comment, false},
		{"StringOrder", `{"type": {"$gte": "comment.", "$lt": "comment/"}}`, "comment.created", comment, true},
		{"DottedNested", `{"data.user.id": 7}`, "comment.created", comment, true},
		{"ArrayOfStrings", `{"data.user.roles": "admin"}`, "comment.created", comment, true},
		{"PathThroughArray", `{"data.attachments.kind": "file"}`, "comment.created", comment, true},
		{"PathThroughArrayMissing", `{"data.attachments.kind": "video"}`, "comment.created", comment, false},
		{"NeMatchesMissing", `{"data.missing": {"$ne": 1}}`, "comment.created", comment, true},
		{"NinMatchesMissing", `{"data.missing": {"$nin": [1]}}`, "comment.created", comment, true},
		{"EqNullMatchesMissing", `{"data.missing": null}`, "comment.created", comment, true},
		{"EqNullMatchesNull", `{"data.text": null}`, "comment.created", comment, true},
		{"ExistsFalse", `{"data.missing": {"$exists": false}}`, "comment.created", comment, true},
		{"ExistsNull", `{"data.text": {"$exists": true}}`, "comment.created", comment, true},
		{"GtMissing", `{"data.missing": {"$gt": 0}}`, "comment.created", comment, false},
		{"NotField", `{"data.score": {"$not": {"$gt": 3}}}`, "comment.created", comment, true},
		{"NotTop", `{"$not": {"data.space_id": 12}}`, "comment.created", comment, false},
		{"Or", `{"$or": [{"data.space_id": 1}, {"data.user.id": {"$in": [7, 8]}}]}`, "comment.created", comment, true},
		{"And", `{"$and": [{"data.space_id": 12}, {"data.user.id": 8}]}`, "comment.created", comment, false},
		{"Tenant", `{"tenant": "acme"}`, "comment.created", comment, true},
		{"ObjectEquality", `{"data.user": {"roles": ["admin", "member"], "id": 7}}`, "comment.created", comment, true},
		{"Empty", `{}`, "comment.created", comment, true},
		{"BigIDsExact", `{"data.id": 9007199254740993}`, "comment.created", `{"id": 9007199254740992}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := ParseFilter([]byte(tt.filter))
			require.NoError(t, err)
			doc, err := NewFilterDocument(tt.eventType, "acme", []byte(tt.data))
			require.NoError(t, err)
			require.Equal(t, tt.want, f.Match(doc))
		})
	}
}

func TestParseFilterRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, filter, says string }{
		{"NotJSON", `{"data.a": `, "must be valid JSON"},
		{"NotObject", `["data.a"]`, "must be a JSON object"},
		{"UnknownTopOperator", `{"$where": "this.a == 1"}`, `$where is not a known operator`},
		{"UnknownFieldOperator", `{"data.category": {"$regex": "^l"}}`, `data.category.$regex is not a known operator`},
		{"FieldOperatorAtTop", `{"$eq": 1}`, `$eq applies to a field`},
		{"PathOutsideEnvelope", `{"category": "like"}`, `"category" must start with type, tenant or data`},
		{"EmptySegment", `{"data..a": 1}`, `segments must not be empty`},
		{"TrailingDot", `{"data.a.": 1}`, `segments must not be empty`},
		{"OperatorSegment", `{"data.$a": 1}`, `must not start with $`},
		{"IntoType", `{"type.x": 1}`, `type is a string`},
		{"AndNotArray", `{"$and": {"data.a": 1}}`, `$and must be a non-empty array of filters`},
		{"AndEmpty", `{"$or": []}`, `$or must be a non-empty array of filters`},
		{"AndOfStrings", `{"$and": ["data.a"]}`, `$and[0] must be an object`},
		{"InNotArray", `{"data.a": {"$in": "like"}}`, `data.a.$in must be an array`},
		{"GtBool", `{"data.a": {"$gt": true}}`, `data.a.$gt must be a number or a string`},
		{"ExistsString", `{"data.a": {"$exists": "yes"}}`, `data.a.$exists must be true or false`},
		{"NotLiteral", `{"data.a": {"$not": 5}}`, `data.a.$not must be an object of operators`},
		{"Mixed", `{"data.a": {"$gt": 1, "b": 2}}`, `mixes operators and fields`},
		{"Nested", `{"$or": [{"$and": [{"data.a": {"$in": [1, "x", {"$bad": 1}], "$nope": 1}}]}]}`, `$or[0].$and[0].data.a.$nope is not a known operator`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseFilter([]byte(tt.filter))
			require.Error(t, err)
			var de *Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, CodeInvalidParam, de.Code)
			require.Contains(t, de.Params, "filter")
			require.Contains(t, de.Message, tt.says)
		})
	}

	t.Run("TooDeep", func(t *testing.T) {
		t.Parallel()
		deep := `{"data.a": 1}`
		for range MaxFilterDepth {
			deep = `{"$not": ` + deep + `}`
		}
		_, err := ParseFilter([]byte(deep))
		require.ErrorContains(t, err, "nested more than")
	})
	t.Run("TooLarge", func(t *testing.T) {
		t.Parallel()
		_, err := ParseFilter([]byte(fmt.Sprintf(`{"data.a": %q}`, make([]byte, MaxFilterBytes))))
		require.ErrorContains(t, err, "at most")
	})
}

func BenchmarkFilterMatch(b *testing.B) {
	f, err := ParseFilter([]byte(`{"type": "user_notification_created", "data.category": {"$in": ["like", "mention"]},
		"data.details.like_count": {"$gte": 2}}`))
	require.NoError(b, err)
	doc, err := NewFilterDocument("user_notification_created", "acme", []byte(firstupLike))
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if !f.Match(doc) {
			b.Fatal("no match")
		}
	}
}
