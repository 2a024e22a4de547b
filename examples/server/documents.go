package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/govit-cn/govit/adapters/blobstore"
	"github.com/govit-cn/govit/adapters/clamd"
	"github.com/govit-cn/govit/adapters/sqlstore"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/lifecycle"
)

// blobsDirName is the default blob directory, beside the SQLite file.
const blobsDirName = "govit-blobs"

// documentFlags are the flags of the electronic documents.
type documentFlags struct {
	blobs                                    *string
	s3Endpoint, s3Bucket, s3Prefix, s3Region *string
	s3AccessKey, s3SecretKey                 *string
	s3Insecure                               *bool
	clamdAddr                                *string
	maxDocument                              *int64
}

// addDocumentFlags declares the document flags on fl.
func addDocumentFlags(fl *flag.FlagSet) *documentFlags {
	return &documentFlags{
		blobs:       fl.String("blobs", "", "directory of the documents' bytes; default "+blobsDirName+" beside the SQLite file (or in the working directory for PostgreSQL)"),
		s3Endpoint:  fl.String("s3-endpoint", "", "S3-compatible endpoint (host:port) to keep a replica of every document in; none when empty"),
		s3Bucket:    fl.String("s3-bucket", "govit", "S3 bucket of the replica (must exist)"),
		s3Prefix:    fl.String("s3-prefix", "blobs/", "key prefix in the S3 bucket"),
		s3Region:    fl.String("s3-region", "", "S3 region"),
		s3AccessKey: fl.String("s3-access-key", "", "S3 access key"),
		s3SecretKey: fl.String("s3-secret-key", "", "S3 secret key (better from GOVIT_S3_SECRET_KEY)"),
		s3Insecure:  fl.Bool("s3-insecure", false, "reach the S3 endpoint over plain HTTP"),
		clamdAddr:   fl.String("clamd", "", "clamd to scan every document: host:port, or the path of its Unix socket; none when empty (recorded as not checked)"),
		maxDocument: fl.Int64("max-document", document.DefaultMaxSize, "largest document accepted, in bytes (413 above)"),
	}
}

// open builds the ingester: the blob directory, an S3 replica if one is
// configured, the clamd scanner if one is.
func (d *documentFlags) open(dsn string) (*document.Ingester, error) {
	dir := *d.blobs
	if dir == "" {
		dir = blobsDirName
		if !isPostgres(dsn) {
			dir = filepath.Join(filepath.Dir(dsn), blobsDirName)
		}
	}
	if *d.maxDocument <= 0 {
		return nil, errors.New("-max-document must be positive")
	}
	local, err := blobstore.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	var blobs document.BlobStore = local
	if *d.s3Endpoint != "" {
		client, err := minio.New(*d.s3Endpoint, &minio.Options{
			Creds:  credentials.NewStaticV4(*d.s3AccessKey, *d.s3SecretKey, ""),
			Secure: !*d.s3Insecure, Region: *d.s3Region,
		})
		if err != nil {
			return nil, fmt.Errorf("-s3-endpoint: %w", err)
		}
		replica, err := blobstore.NewS3(client, *d.s3Bucket, *d.s3Prefix)
		if err != nil {
			return nil, err
		}
		blobs = &blobstore.Mirror{Primary: local, Replicas: []document.BlobStore{replica}}
	}
	in := &document.Ingester{Blobs: blobs, MaxSize: *d.maxDocument}
	if a := *d.clamdAddr; a != "" {
		network := "tcp"
		if strings.HasPrefix(a, "/") {
			network = "unix"
		}
		in.Scanner = clamd.New(network, a)
	}
	return in, nil
}

// fixityLine prints one fixity problem.
func fixityLine(p lifecycle.ProjectFixityProblem) string {
	return fmt.Sprintf("FIXITY %s %s", p.ProjectID, p.FixityProblem)
}

// verifyDocuments re-hashes every stored document (fixity) and reports
// each changed or missing file by project and slot.
func verifyDocuments(ctx context.Context, store *sqlstore.Store, in *document.Ingester, stdout io.Writer, asJSON bool) (lifecycle.FixityReport, error) {
	eng, err := lifecycle.New(lifecycle.Config{Store: store, Documents: in, Snapshots: -1})
	if err != nil {
		return lifecycle.FixityReport{}, err
	}
	rep, err := eng.VerifyDocuments(ctx, "")
	if err != nil {
		return rep, err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return rep, enc.Encode(map[string]any{"fixity": rep})
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, fixityLine(p))
	}
	fmt.Fprintf(stdout, "checked %d documents of %d projects: %d changed or missing\n", rep.Files, rep.Projects, len(rep.Problems))
	return rep, nil
}
