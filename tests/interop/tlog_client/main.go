// Command tlog_client is a tlog-tiles client that is not ours: it checks a provenance-ledger
// log with the Go checksum database's libraries, golang.org/x/mod/sumdb/note and
// golang.org/x/mod/sumdb/tlog (Debian's golang-golang-x-mod-dev), and nothing of the ledger's.
//
// Usage: tlog_client <base URL> <verifier key> <index>...
//
// It fetches <base>/tlog/checkpoint, verifies the signed note with the verifier key
// (note.Open), parses the C2SP checkpoint body (origin = key name, size, base64 root), reads
// hash tiles through tlog.TileHashReader (which authenticates every tile against the
// checkpoint's root), recomputes the root with tlog.TreeHash, and for each index fetches its
// entry bundle, hashes the entry (tlog.RecordHash = SHA-256(0x00 || entry)) and proves it in
// the tree (tlog.ProveRecord, tlog.CheckRecord). It also checks that a changed entry fails.
// It prints one JSON object to stdout; any failure exits 1 with the reason on stderr.
package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8 // C2SP tiles: 256 hashes

type checkedEntry struct {
	Index    int64    `json:"index"`
	EntryHex string   `json:"entry_hex"`
	Proof    []string `json:"proof"`
}

type result struct {
	Origin  string         `json:"origin"`
	Size    int64          `json:"size"`
	Root    string         `json:"root"`
	Tiles   []string       `json:"tiles_fetched"`
	Entries []checkedEntry `json:"entries"`
	// BundlesGzipped: for each entry, whether its bundle came gzip-encoded.
	BundlesGzipped []bool `json:"bundles_gzipped"`
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlog_client: "+format+"\n", args...)
	os.Exit(1)
}

// get fetches url with Go's default transport, which asks for gzip and decodes it itself
// (then response.Uncompressed is true).
func get(url string) ([]byte, http.Header, bool) {
	response, err := http.Get(url)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	if response.StatusCode != http.StatusOK {
		fail("GET %s: status %d: %s", url, response.StatusCode, body)
	}
	return body, response.Header, response.Uncompressed
}

// c2spPath turns the Go checksum database's tile path (tile/8/<L>/<N>[.p/<W>], data tiles
// as tile/8/data/...) into C2SP's (tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>]).
func c2spPath(t tlog.Tile) string {
	path := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", height))
	return "tile/" + strings.Replace(path, "data/", "entries/", 1)
}

type tileReader struct {
	base    string
	fetched []string
}

func (r *tileReader) Height() int { return height }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		path := c2spPath(t)
		body, header, _ := get(r.base + "/tlog/" + path)
		if len(body) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s: %d bytes, want %d", path, len(body), t.W*tlog.HashSize)
		}
		if got := header.Get("Content-Type"); got != "application/octet-stream" {
			return nil, fmt.Errorf("%s: content type %q", path, got)
		}
		data[i] = body
		r.fetched = append(r.fetched, path)
	}
	return data, nil
}

func (r *tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// parseCheckpoint reads a C2SP tlog-checkpoint body: origin, decimal size, base64 root.
func parseCheckpoint(text string) (string, tlog.Tree) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		fail("checkpoint has %d lines", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		fail("checkpoint size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		fail("checkpoint root %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], raw)
	return lines[0], tlog.Tree{N: size, Hash: root}
}

func entries(bundle []byte) [][]byte {
	var out [][]byte
	for len(bundle) > 0 {
		if len(bundle) < 2 {
			fail("entry bundle ends inside a length")
		}
		n := int(bundle[0])<<8 | int(bundle[1])
		if len(bundle) < 2+n {
			fail("entry bundle entry runs past the end")
		}
		out = append(out, bundle[2:2+n])
		bundle = bundle[2+n:]
	}
	return out
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: tlog_client <base URL> <verifier key> <index>...")
	}
	base, vkey := strings.TrimSuffix(os.Args[1], "/"), os.Args[2]
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}

	signed, header, _ := get(base + "/tlog/checkpoint")
	if got := header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
		fail("checkpoint content type %q", got)
	}
	opened, err := note.Open(signed, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	origin, tree := parseCheckpoint(opened.Text)
	if origin != verifier.Name() {
		fail("checkpoint origin %q is not the key name %q", origin, verifier.Name())
	}

	reader := &tileReader{base: base}
	hashes := tlog.TileHashReader(tree, reader)
	root, err := tlog.TreeHash(tree.N, hashes)
	if err != nil {
		fail("tree hash from tiles: %v", err)
	}
	if root != tree.Hash {
		fail("tiles give root %x, the checkpoint says %x", root[:], tree.Hash[:])
	}

	out := result{Origin: origin, Size: tree.N, Root: hex.EncodeToString(root[:])}
	for _, arg := range os.Args[3:] {
		index, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || index < 0 || index >= tree.N {
			fail("index %q is not in the tree of %d", arg, tree.N)
		}
		width := tree.N - index/(1<<height)*(1<<height)
		if width > 1<<height {
			width = 1 << height
		}
		bundleTile := tlog.Tile{H: height, L: -1, N: index >> height, W: int(width)}
		bundle, _, gzipped := get(base + "/tlog/" + c2spPath(bundleTile))
		out.BundlesGzipped = append(out.BundlesGzipped, gzipped)
		all := entries(bundle)
		if int64(len(all)) != width {
			fail("%s holds %d entries, want %d", c2spPath(bundleTile), len(all), width)
		}
		entry := all[index%(1<<height)]
		proof, err := tlog.ProveRecord(tree.N, index, hashes)
		if err != nil {
			fail("proof of %d: %v", index, err)
		}
		if err := tlog.CheckRecord(proof, tree.N, tree.Hash, index, tlog.RecordHash(entry)); err != nil {
			fail("entry %d is not proved in the tree: %v", index, err)
		}
		changed := append(append([]byte{}, entry...), ' ')
		if tlog.CheckRecord(proof, tree.N, tree.Hash, index, tlog.RecordHash(changed)) == nil {
			fail("a changed entry %d was proved too: the check is vacuous", index)
		}
		path := make([]string, len(proof))
		for i, h := range proof {
			path[i] = hex.EncodeToString(h[:])
		}
		out.Entries = append(out.Entries, checkedEntry{index, hex.EncodeToString(entry), path})
	}
	out.Tiles = reader.fetched
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail("%v", err)
	}
}
