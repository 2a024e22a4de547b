// Package blobstore keeps the bytes of documents (package document) under
// their digest: Dir, a directory on the local filesystem (the default,
// beside the SQLite file), and S3, any S3-compatible object storage
// reached with github.com/minio/minio-go/v7 (for replicas or a shared
// store behind several servers).
//
// Both implement document.BlobStore. Blobs are immutable: written once
// under their digest, never overwritten, never deleted by govit.
package blobstore
