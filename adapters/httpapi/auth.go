package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/govit-cn/govit/lifecycle"
)

// Authenticator tells who sends a request. An embedder plugs in its own
// (an OA session, a JWT); the server ships a bearer-token one,
// NewTokenAuthenticator.
//
// Authenticate returns an error wrapping ErrUnauthenticated when the
// request carries no valid credentials (the server answers 401 with
// WWW-Authenticate: Bearer); any other error is a failure of the
// authenticator itself (503, logged).
type Authenticator interface {
	Authenticate(r *http.Request) (lifecycle.Actor, error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(r *http.Request) (lifecycle.Actor, error)

// Authenticate calls f(r).
func (f AuthenticatorFunc) Authenticate(r *http.Request) (lifecycle.Actor, error) { return f(r) }

// ErrUnauthenticated is the error an Authenticator returns (or wraps) for
// a request without valid credentials.
var ErrUnauthenticated = errors.New("missing or invalid credentials")

// TokenEntry maps one bearer token to the actor it authenticates. In a
// tokens file it is a JSON object {token, actor, unit, roles}; token_sha256
// (the hex SHA-256 of the token) may stand in for token so that the file
// holds no secret.
type TokenEntry struct {
	// Token is the bearer token in clear; the authenticator keeps only
	// its SHA-256.
	Token string `json:"token,omitempty"`
	// TokenSHA256 is the lowercase hex SHA-256 of the token, used when
	// Token is empty.
	TokenSHA256 string `json:"token_sha256,omitempty"`
	// Actor is the actor's ID.
	Actor string `json:"actor"`
	// Unit is the actor's unit (单位).
	Unit string `json:"unit"`
	// Roles are the actor's roles (unit, bdb, drc, finance, audit, cac,
	// government).
	Roles []lifecycle.Role `json:"roles"`
}

// TokenAuthenticator authenticates "Authorization: Bearer <token>" against a
// fixed set of tokens. It keeps only their SHA-256 hashes: it looks the
// presented token's hash up and confirms the match with a constant-time
// comparison. It is safe for concurrent use.
type TokenAuthenticator struct {
	byHash map[[sha256.Size]byte]tokenActor
}

type tokenActor struct {
	hash  [sha256.Size]byte
	actor lifecycle.Actor
}

// NewTokenAuthenticator builds a TokenAuthenticator. It refuses an entry
// without a token (or with a malformed token_sha256), without an actor ID
// or unit, without roles or with an unknown role, and a token given twice.
func NewTokenAuthenticator(tokens []TokenEntry) (*TokenAuthenticator, error) {
	a := &TokenAuthenticator{byHash: make(map[[sha256.Size]byte]tokenActor, len(tokens))}
	for i, e := range tokens {
		var h [sha256.Size]byte
		switch {
		case e.Token != "":
			h = sha256.Sum256([]byte(e.Token))
		case e.TokenSHA256 != "":
			b, err := hex.DecodeString(e.TokenSHA256)
			if err != nil || len(b) != sha256.Size {
				return nil, fmt.Errorf("tokens[%d].token_sha256: not a hex SHA-256", i)
			}
			copy(h[:], b)
		default:
			return nil, fmt.Errorf("tokens[%d].token: empty", i)
		}
		if strings.TrimSpace(e.Actor) == "" {
			return nil, fmt.Errorf("tokens[%d].actor: empty", i)
		}
		if strings.TrimSpace(e.Unit) == "" {
			return nil, fmt.Errorf("tokens[%d].unit: empty", i)
		}
		if len(e.Roles) == 0 {
			return nil, fmt.Errorf("tokens[%d].roles: empty", i)
		}
		for j, r := range e.Roles {
			if !r.Valid() {
				return nil, fmt.Errorf("tokens[%d].roles[%d]: unknown role %q", i, j, r)
			}
		}
		if _, dup := a.byHash[h]; dup {
			return nil, fmt.Errorf("tokens[%d]: the same token is given twice", i)
		}
		a.byHash[h] = tokenActor{hash: h, actor: lifecycle.Actor{
			ID: e.Actor, Unit: e.Unit, Roles: append([]lifecycle.Role(nil), e.Roles...),
		}}
	}
	return a, nil
}

// HashToken returns the lowercase hex SHA-256 of a token, the form of
// TokenEntry.TokenSHA256.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Authenticate implements Authenticator.
func (a *TokenAuthenticator) Authenticate(r *http.Request) (lifecycle.Actor, error) {
	token, ok := bearerToken(r)
	if !ok {
		return lifecycle.Actor{}, ErrUnauthenticated
	}
	h := sha256.Sum256([]byte(token))
	e, found := a.byHash[h]
	if !found || subtle.ConstantTimeCompare(h[:], e.hash[:]) != 1 {
		return lifecycle.Actor{}, ErrUnauthenticated
	}
	act := e.actor
	act.Roles = append([]lifecycle.Role(nil), e.actor.Roles...)
	return act, nil
}

// bearerToken extracts the token of "Authorization: Bearer <token>" (the
// scheme is case-insensitive, RFC 9110 §11.1).
func bearerToken(r *http.Request) (string, bool) {
	v := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
