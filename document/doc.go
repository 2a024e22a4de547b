// Package document holds the electronic documents a project of
// 渝北府办发〔2019〕26号 hands over: the requirement specification checked
// against 附件2 (第六条第（一）项), the expert opinion (第七条), the written
// change request and 变更说明 (第十一条), each contract's copy (第十二条), the
// written termination notice (第十三条) and the electronic archive of
// 第十五条.
//
// A document lives in a slot (Slot: its key, e.g. "acceptance_report" or
// "contract:HT-2026-001") and has versions. Its bytes are kept in a
// content-addressed BlobStore under their digest (Digest, SHA-256 by
// default); its record (Record: slot, version, name, size, media type,
// digest, the checks run on arrival) goes into the project's history, so
// the history's hash chain covers the files' contents. Register folds the
// records into the current version of each slot and its history.
//
// # Checks on arrival
//
// Ingest streams an upload to a staging file, hashing it while it is
// written and stopping at a size limit, then runs the checks a program
// can make of the four properties of DA/T 70-2018 (文书类电子档案检测一般要求:
// 真实性, 完整性, 可用性, 安全性):
//
//   - fixity (真实性): the digest computed while writing; a digest the
//     sender declared must match; the stored blob has the recorded size;
//   - name, size and type as recorded (真实性): a plain file name, a
//     non-empty body, an extension that fits the sniffed type;
//   - format (可用性): the media type sniffed from the bytes, never taken
//     from the client, must be on the allow-list for archiving (PDF, OFD,
//     DOCX, WPS, JPEG, PNG, TIFF);
//   - open and unencrypted (可用性): no encrypted PDF, no encrypted or
//     proprietary container (a legacy OLE2 Office file other than WPS);
//     the file parses;
//   - ZIP-based formats (安全性): no absolute or parent paths, no
//     duplicate names, a bounded number of entries, a bounded expansion
//     (zip bombs), checked while inflating, not from the headers alone;
//   - viruses (安全性): a pluggable Scanner (adapters/clamd speaks to a
//     clamd daemon); without one the check is recorded as not checked;
//   - electronic signatures and seals: recorded as not checked (they need
//     a PKI this package does not have).
//
// A failure that makes the file unfit to keep (too large, not allowed,
// encrypted, unsafe container, unreadable, infected) refuses the upload:
// nothing is stored. A failure that leaves the file safe to keep (an
// extension that does not fit the content) is recorded, and the version
// does not count for the archive until a fitting file replaces it.
//
// # Tables of contents
//
// ReadTOC reads the headings of a requirement specification from a DOCX
// (paragraphs with a heading style or an outline level), a PDF (its
// bookmarks, read with pdfcpu) or an OFD (the outline of its document),
// for the 附件2 check of 第六条第（一）项.
package document
