// Command tlogclient reads and verifies a C2SP tlog-tiles log over HTTP using only the Go
// standard library and golang.org/x/mod/sumdb/{note,tlog}. It is an independent client: it
// knows nothing of the software that serves the log, only the public specifications
// (c2sp.org/tlog-tiles, c2sp.org/tlog-checkpoint, c2sp.org/signed-note).
//
// Usage: tlogclient URL VKEY
//
// URL is the log prefix (the directory holding "checkpoint" and "tile/"). The client
//
//  1. fetches URL/checkpoint and verifies its signature with note.Open and the verifier key;
//  2. parses the checkpoint body (origin, tree size, base64 root hash) and checks that the
//     origin is the key's name;
//  3. reads hash tiles through a tlog.TileReader and computes tlog.TreeHash, which must equal
//     the signed root (tlog.TileHashReader also authenticates every tile against it);
//  4. fetches every entry bundle, hashes each entry with tlog.RecordHash, and checks its
//     inclusion with tlog.ProveRecord / tlog.CheckRecord.
//
// It prints "OK <origin> <size> <base64 root> <entries checked>" and exits 0, or prints the
// problem and exits 1.
package main

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const tileHeight = 8 // c2sp.org/tlog-tiles: tiles are 2^8 hashes wide

var client = &http.Client{Timeout: 30 * time.Second}

func fetch(url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// c2spPath maps a tlog.Tile to its tlog-tiles path. The Go sumdb layout puts the tile height
// in the path ("tile/8/0/x001/234") and calls entry tiles "data"; tlog-tiles fixes the height
// at 8, drops it from the path and calls them "entries".
func c2spPath(t tlog.Tile) string {
	p := t.Path() // tile/8/<L or data>/<N>[.p/<W>]
	rest := strings.TrimPrefix(p, fmt.Sprintf("tile/%d/", t.H))
	if strings.HasPrefix(rest, "data/") {
		rest = "entries/" + strings.TrimPrefix(rest, "data/")
	}
	return "tile/" + rest
}

type tileReader struct{ prefix string }

func (r *tileReader) Height() int { return tileHeight }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := fetch(r.prefix + c2spPath(t))
		if err != nil {
			return nil, err
		}
		if len(data) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s: %d bytes, want %d", c2spPath(t), len(data), t.W*tlog.HashSize)
		}
		out[i] = data
	}
	return out, nil
}

func (r *tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// parseBundle splits a tlog-tiles entry bundle: each entry is a big-endian uint16 length
// followed by that many bytes.
func parseBundle(data []byte) ([][]byte, error) {
	var entries [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, fmt.Errorf("entry bundle truncated in a length")
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+n {
			return nil, fmt.Errorf("entry bundle truncated in an entry")
		}
		entries = append(entries, data[2:2+n])
		data = data[2+n:]
	}
	return entries, nil
}

func run(prefix, vkey string) error {
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %v", err)
	}
	msg, err := fetch(prefix + "checkpoint")
	if err != nil {
		return err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return fmt.Errorf("checkpoint signature: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return fmt.Errorf("checkpoint has %d lines, want at least 3", len(lines))
	}
	origin := lines[0]
	if origin != verifier.Name() {
		return fmt.Errorf("checkpoint origin %q is not the key's name %q", origin, verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return fmt.Errorf("checkpoint tree size %q", lines[1])
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize {
		return fmt.Errorf("checkpoint root hash %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], rootBytes)

	tree := tlog.Tree{N: size, Hash: root}
	hashes := tlog.TileHashReader(tree, &tileReader{prefix})
	computed, err := tlog.TreeHash(size, hashes)
	if err != nil {
		return fmt.Errorf("tree hash: %v", err)
	}
	if computed != root {
		return fmt.Errorf("tree hash %v from tiles differs from the checkpoint root %v", computed, root)
	}

	checked := int64(0)
	for start := int64(0); start < size; start += 1 << tileHeight {
		width := size - start
		if width > 1<<tileHeight {
			width = 1 << tileHeight
		}
		t := tlog.Tile{H: tileHeight, L: -1, N: start >> tileHeight, W: int(width)}
		data, err := fetch(prefix + c2spPath(t))
		if err != nil {
			return err
		}
		entries, err := parseBundle(data)
		if err != nil {
			return fmt.Errorf("%s: %v", c2spPath(t), err)
		}
		if int64(len(entries)) != width {
			return fmt.Errorf("%s: %d entries, want %d", c2spPath(t), len(entries), width)
		}
		for i, entry := range entries {
			index := start + int64(i)
			proof, err := tlog.ProveRecord(size, index, hashes)
			if err != nil {
				return fmt.Errorf("proof of entry %d: %v", index, err)
			}
			if err := tlog.CheckRecord(proof, size, root, index, tlog.RecordHash(entry)); err != nil {
				return fmt.Errorf("entry %d is not in the tree: %v", index, err)
			}
			checked++
		}
	}
	fmt.Printf("OK %s %d %s %d\n", origin, size, base64.StdEncoding.EncodeToString(root[:]), checked)
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: tlogclient URL VKEY")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}
