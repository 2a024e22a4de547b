package httpapi

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

func authenticate(t *testing.T, a Authenticator, authorization string) (lifecycle.Actor, error) {
	t.Helper()
	r := httptest.NewRequest("GET", "/v1/projects", nil)
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	return a.Authenticate(r)
}

func TestTokenAuthenticator(t *testing.T) {
	a, err := NewTokenAuthenticator([]TokenEntry{
		{Token: "s3cret", Actor: "li", Unit: unitA, Roles: []lifecycle.Role{lifecycle.RoleUnit}},
		{TokenSHA256: HashToken("hashed-only"), Actor: "wang", Unit: "渝北区大数据发展局", Roles: []lifecycle.Role{lifecycle.RoleBDB, lifecycle.RoleAudit}},
	})
	require.NoError(t, err)

	act, err := authenticate(t, a, "Bearer s3cret")
	require.NoError(t, err)
	assert.Equal(t, lifecycle.Actor{ID: "li", Unit: unitA, Roles: []lifecycle.Role{lifecycle.RoleUnit}}, act)

	act, err = authenticate(t, a, "Bearer hashed-only")
	require.NoError(t, err)
	assert.Equal(t, "wang", act.ID)

	act.Roles[0] = lifecycle.RoleGovernment
	again, err := authenticate(t, a, "Bearer hashed-only")
	require.NoError(t, err)
	assert.Equal(t, lifecycle.RoleBDB, again.Roles[0], "the authenticator's actor cannot be changed through a result")

	for _, h := range []string{"", "Bearer", "Bearer s3cre", "Bearer s3cret2", "Token s3cret", "s3cret", "Bearer " + HashToken("s3cret")} {
		_, err := authenticate(t, a, h)
		assert.True(t, errors.Is(err, ErrUnauthenticated), "%q: %v", h, err)
	}
}

func TestTokenAuthenticatorKeepsOnlyHashes(t *testing.T) {
	a, err := NewTokenAuthenticator([]TokenEntry{{Token: "plain-secret-token", Actor: "li", Unit: unitA, Roles: []lifecycle.Role{lifecycle.RoleUnit}}})
	require.NoError(t, err)
	require.Len(t, a.byHash, 1)
	for h, e := range a.byHash {
		assert.Equal(t, h, e.hash)
		assert.Equal(t, HashToken("plain-secret-token"), hex.EncodeToString(h[:]))
	}
	assert.NotContains(t, fmt.Sprintf("%#v", a), "plain-secret-token")
}

func TestNewTokenAuthenticatorRefuses(t *testing.T) {
	unit := []lifecycle.Role{lifecycle.RoleUnit}
	for name, entries := range map[string][]TokenEntry{
		"no token":         {{Actor: "a", Unit: "u", Roles: unit}},
		"bad hash":         {{TokenSHA256: "abc", Actor: "a", Unit: "u", Roles: unit}},
		"no actor":         {{Token: "t", Unit: "u", Roles: unit}},
		"no unit":          {{Token: "t", Actor: "a", Roles: unit}},
		"no roles":         {{Token: "t", Actor: "a", Unit: "u"}},
		"unknown role":     {{Token: "t", Actor: "a", Unit: "u", Roles: []lifecycle.Role{"mayor"}}},
		"token twice":      {{Token: "t", Actor: "a", Unit: "u", Roles: unit}, {Token: "t", Actor: "b", Unit: "u", Roles: unit}},
		"token and hashed": {{Token: "t", Actor: "a", Unit: "u", Roles: unit}, {TokenSHA256: HashToken("t"), Actor: "b", Unit: "u", Roles: unit}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewTokenAuthenticator(entries)
			assert.Error(t, err)
		})
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", HashToken("abc"))
}
