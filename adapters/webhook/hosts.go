package webhook

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Hosts are the hosts webhooks may be sent to, as the operator allows
// them: host names or IP addresses, compared case-insensitively with the
// URL's host (its port aside). No network lookup is made, so a name is
// allowed by name, never by the address it resolves to.
type Hosts []string

// ParseHosts reads a comma-separated list of hosts.
func ParseHosts(s string) Hosts {
	var out Hosts
	for h := range strings.SplitSeq(s, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			out = append(out, strings.Trim(h, "[]"))
		}
	}
	return out
}

// Allows reports whether host (without port) is allowed.
func (hs Hosts) Allows(host string) bool {
	return slices.Contains(hs, strings.ToLower(strings.Trim(host, "[]")))
}

// URLError says why a webhook URL is refused.
type URLError struct {
	URL string
	// NotAllowed is true when the URL is well formed but its host is not
	// allowed; false when it is not an absolute http(s) URL.
	NotAllowed bool
	Reason     string
}

func (e *URLError) Error() string { return fmt.Sprintf("webhook URL %q: %s", e.URL, e.Reason) }

// Unwrap makes a host that is not allowed match ErrHostNotAllowed.
func (e *URLError) Unwrap() error {
	if e.NotAllowed {
		return ErrHostNotAllowed
	}
	return nil
}

// CheckURL accepts an absolute http or https URL without user info or
// fragment whose host hs allows.
func (hs Hosts) CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, &URLError{URL: raw, Reason: "not a URL"}
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, &URLError{URL: raw, Reason: "the scheme must be http or https"}
	case u.Host == "" || u.Hostname() == "":
		return nil, &URLError{URL: raw, Reason: "the URL names no host"}
	case u.User != nil:
		return nil, &URLError{URL: raw, Reason: "user info is not allowed in the URL"}
	case u.Fragment != "":
		return nil, &URLError{URL: raw, Reason: "a fragment is not allowed in the URL"}
	case !hs.Allows(u.Hostname()):
		return nil, &URLError{URL: raw, NotAllowed: true, Reason: fmt.Sprintf("host %s is not among the hosts the operator allows", u.Hostname())}
	}
	return u, nil
}
