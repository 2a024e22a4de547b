package sqlstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/govit-cn/govit/lifecycle"
)

var _ lifecycle.ChainStore = (*Store)(nil)

// Chain implements lifecycle.ChainStore: the project's stored hashes and
// Verify's verdict on its chain.
func (s *Store) Chain(ctx context.Context, projectID string) (lifecycle.ChainReport, error) {
	rep, err := s.Verify(ctx, projectID)
	if err != nil {
		return lifecycle.ChainReport{}, err
	}
	out := lifecycle.ChainReport{Algorithm: s.hashName(), Verified: rep.OK(), Links: []lifecycle.ChainLink{}}
	if rep.Break != nil {
		out.Break = rep.Break.String()
	}
	rows, err := s.db.QueryContext(ctx, `SELECT version, seq, hash, key_id FROM events WHERE project_id = $1 ORDER BY version`, projectID)
	if err != nil {
		return lifecycle.ChainReport{}, s.fail(ctx, "chain", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			l lifecycle.ChainLink
			h []byte
		)
		if err := rows.Scan(&l.Version, &l.Seq, &h, &l.KeyID); err != nil {
			return lifecycle.ChainReport{}, s.fail(ctx, "chain", err)
		}
		l.Hash = hex.EncodeToString(h)
		out.Links = append(out.Links, l)
	}
	if err := rows.Err(); err != nil {
		return lifecycle.ChainReport{}, s.fail(ctx, "chain", err)
	}
	return out, nil
}

// hashName names the chain's function for new rows: "hmac" under a
// keyring (WithKeyring; each link names its key, whose suite decides the
// hash), else "sha256" (the
// default) or "custom" for a hash given with WithHash (SM3, say), which
// the store cannot name.
func (s *Store) hashName() string {
	if s.keys != nil {
		return "hmac"
	}
	want := sha256.Sum256(nil)
	if bytes.Equal(s.newHash().Sum(nil), want[:]) {
		return "sha256"
	}
	return "custom"
}
