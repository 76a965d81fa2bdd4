package domain

import "regexp"

// DefaultTenant owns every row created without an explicit tenant.
const DefaultTenant = "default"

var tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$`)

// ValidateTenant checks a tenant string chosen by the host product: 1–128
// characters of letters, digits and . _ : @ -, starting with a letter or digit.
func ValidateTenant(tenant string) error {
	if !tenantPattern.MatchString(tenant) {
		return InvalidParam("tenant", "tenant must be 1-128 characters of letters, digits and . _ : @ -, starting with a letter or digit.")
	}
	return nil
}
