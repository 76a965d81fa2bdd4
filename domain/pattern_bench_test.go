package domain

import "testing"

func BenchmarkMatchPatterns(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = MatchPatterns("loyalty.prize_request.created", "loyalty")
	}
}

func BenchmarkMatches(b *testing.B) {
	patterns := []string{"feed.created", "space.*", "comment.*"}
	b.ReportAllocs()
	for b.Loop() {
		_ = Matches(patterns, "comment.created", "comment")
	}
}

func BenchmarkValidatePatterns(b *testing.B) {
	var types []EventType
	for _, g := range []string{"comment", "feed", "space", "post", "user", "notification"} {
		for _, v := range []string{"created", "updated", "deleted", "restored"} {
			types = append(types, EventType{Name: g + "." + v, Group: g})
		}
	}
	c := NewCatalog(types)
	patterns := []string{"comment.created", "feed.*", "*", "post.deleted"}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.ValidatePatterns(patterns); err != nil {
			b.Fatal(err)
		}
	}
}
