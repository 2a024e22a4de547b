package web

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	rowLinkRE = regexp.MustCompile(`<td><a href="/projects/([0-9a-f]+)">`)
	pagerRE   = regexp.MustCompile(`<a href="([^"]+)" id="(first-page|prev-page|next-page)">`)
)

// listPage is one page of the project list: its projects and its links.
type listPage struct {
	ids   []string
	links map[string]string
}

func getListPage(t *testing.T, c *client, path string) listPage {
	t.Helper()
	status, body := c.get(path)
	require.Equal(t, http.StatusOK, status, path)
	p := listPage{links: map[string]string{}}
	for _, m := range rowLinkRE.FindAllStringSubmatch(body, -1) {
		p.ids = append(p.ids, m[1])
	}
	for _, m := range pagerRE.FindAllStringSubmatch(body, -1) {
		p.links[m[2]] = html.UnescapeString(m[1])
	}
	return p
}

// TestListPreviousPage: the list pages forwards and back by cursors in the
// URL, each page back the page shown before it, the filter kept; the first
// page has no way back, the last no way on; a unit's pages hold its own
// projects only.
func TestListPreviousPage(t *testing.T) {
	f := newFixture(t)
	own := map[string]bool{}
	for i := range 120 {
		own[f.declare("tok-unit", fmt.Sprintf("项目 %03d", i)).ID] = true
		if i%4 == 0 {
			f.declare("tok-unit2", fmt.Sprintf("他单位项目 %03d", i))
		}
	}
	for _, c := range []struct {
		token, path string
		total       int
	}{
		{"tok-unit", "/projects", 120},
		{"tok-unit", "/projects?state=declared&kind=construction", 120},
		{"tok-bdb", "/projects?state=declared", 150},
	} {
		cl := f.signIn(c.token)
		var forward []listPage
		seen := 0
		for path := c.path; path != ""; {
			p := getListPage(t, cl, path)
			forward = append(forward, p)
			seen += len(p.ids)
			path = p.links["next-page"]
			require.Less(t, len(forward), 10, "the list ends")
		}
		require.Equal(t, c.total, seen, "%s %s: every project once", c.token, c.path)
		require.Len(t, forward, (c.total+pageSize-1)/pageSize)
		assert.Empty(t, forward[0].links["prev-page"], "nothing before the first page")
		assert.Empty(t, forward[0].links["first-page"])
		for i := 1; i < len(forward); i++ {
			prev := forward[i].links["prev-page"]
			require.NotEmpty(t, prev, "page %d links back", i)
			assert.Contains(t, prev, "before=")
			if c.path != "/projects" {
				assert.Contains(t, prev, "state=declared", "the filter is kept")
			}
			back := getListPage(t, cl, prev)
			assert.Equal(t, forward[i-1].ids, back.ids, "%s: back from page %d", c.path, i)
			if i == 1 {
				assert.Empty(t, back.links["prev-page"], "back on the first page")
			} else {
				// And on back from there, then forwards again.
				assert.Equal(t, forward[i-2].ids, getListPage(t, cl, back.links["prev-page"]).ids)
			}
			assert.Equal(t, forward[i].ids, getListPage(t, cl, back.links["next-page"]).ids, "forwards again")
			assert.NotEmpty(t, forward[i].links["first-page"])
		}
		if c.token == "tok-unit" {
			for _, p := range forward {
				for _, id := range p.ids {
					assert.True(t, own[id], "another unit's project %s", id)
				}
			}
		}
	}
}
