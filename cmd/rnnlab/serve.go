package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rnnlab/rnnlab/site"
)

// cmdServe serves the static site: the copy embedded in the binary by
// `make build` (after `make site`), or a folder given with --dir.
func cmdServe(args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("serve", stderr)
	addr := fset.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	dir := fset.String("dir", "", "serve this built folder instead of the embedded site (e.g. site/dist, or a copy with checkpoints beside the pages)")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	given := flagsGiven(fset)
	if err := firstError(notEmpty(given, "addr", *addr), notEmpty(given, "dir", *dir)); err != nil {
		return err
	}
	fsys, where, err := siteFS(*dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return errorf("cannot listen on %s: %v (pick another with --addr host:port)", *addr, err)
	}
	srv := &http.Server{
		Handler:           newSiteHandler(fsys, *dir == ""),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Fprintf(stdout, "serving %s on %s  (Ctrl-C to stop)\n", where, siteURL(ln.Addr()))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	stop()
	fmt.Fprintln(stdout, "stopping")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// siteURL is the address to open in a browser for a listener's address.
func siteURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// siteFS returns the folder to serve and words for it: dir, or the
// embedded site when dir is empty. It fails with advice when that folder
// holds no built site.
func siteFS(dir string) (fs.FS, string, error) {
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return nil, "", errorf("--dir %s is not a folder", dir)
		}
		fsys := os.DirFS(dir)
		if !siteBuilt(fsys) {
			return nil, "", errorf("%s holds no built site (no wasm_exec.js): run make site first, then --dir site/dist", dir)
		}
		return fsys, dir, nil
	}
	fsys, err := fs.Sub(site.Dist, "dist")
	if err != nil || !siteBuilt(fsys) {
		return nil, "", errorf("the site was not built into this binary: run make site first, then make build (or serve a built folder with --dir)")
	}
	return fsys, "the embedded site", nil
}

// siteBuilt reports whether fsys is the output of `make site`, which
// always copies wasm_exec.js (the placeholder site/dist has only README.md).
func siteBuilt(fsys fs.FS) bool {
	st, err := fs.Stat(fsys, "wasm_exec.js")
	return err == nil && st.Mode().IsRegular()
}

// siteTypes are the Content-Types of the site's files; browsers insist on
// application/wasm for WebAssembly.instantiateStreaming and on a
// JavaScript type for module scripts. Other extensions fall back to the
// mime package, then to application/octet-stream.
var siteTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".wasm":        "application/wasm",
	".json":        "application/json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".npy":         "application/octet-stream",
	".npz":         "application/octet-stream",
	".safetensors": "application/octet-stream",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := siteTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// encodings are the precompressed siblings a request may get, in order of
// preference when the client accepts several equally.
var encodings = []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// siteHandler serves a built site folder. A file FILE with a sibling
// FILE.br or FILE.gz is sent compressed (Content-Encoding, Vary) to clients
// whose Accept-Encoding allows it.
type siteHandler struct {
	fsys      fs.FS
	immutable bool     // the files cannot change (embedded): ETags are cached
	etags     sync.Map // name → ETag, when immutable
}

func newSiteHandler(fsys fs.FS, immutable bool) http.Handler {
	return &siteHandler{fsys: fsys, immutable: immutable}
}

func (h *siteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	if !fs.ValidPath(name) || hidden(name) {
		http.NotFound(w, r)
		return
	}
	st, err := fs.Stat(h.fsys, name)
	if err == nil && st.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, path.Base(name)+"/", http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
		st, err = fs.Stat(h.fsys, name)
	}
	if err != nil || !st.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}

	hdr := w.Header()
	hdr.Set("Content-Type", contentType(name))
	hdr.Set("X-Content-Type-Options", "nosniff")
	switch {
	case strings.HasSuffix(name, ".html"):
		hdr.Set("Cache-Control", "no-cache")
	case h.immutable:
		hdr.Set("Cache-Control", "public, max-age=3600")
	default:
		hdr.Set("Cache-Control", "no-cache")
	}

	served, modTime := name, st.ModTime()
	accepted := acceptedEncodings(r.Header.Get("Accept-Encoding"))
	for _, e := range encodings {
		cst, err := fs.Stat(h.fsys, name+e.ext)
		if err != nil || !cst.Mode().IsRegular() {
			continue
		}
		hdr.Set("Vary", "Accept-Encoding")
		if served == name && accepted[e.name] {
			served, modTime = name+e.ext, cst.ModTime()
			hdr.Set("Content-Encoding", e.name)
		}
	}

	f, err := h.fsys.Open(served)
	if err != nil {
		http.Error(w, "500 cannot open "+served, http.StatusInternalServerError)
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "500 cannot read "+served, http.StatusInternalServerError)
			return
		}
		rs = strings.NewReader(string(b))
	}
	if h.immutable {
		if tag, err := h.etag(served, rs); err == nil {
			hdr.Set("ETag", tag)
		}
	}
	// ServeContent handles HEAD, Range, If-None-Match and If-Modified-Since;
	// it keeps the Content-Type set above instead of sniffing.
	http.ServeContent(w, r, served, modTime, rs)
}

// etag returns the strong ETag of an immutable file (a hash of its bytes,
// so each encoding of a file has its own), leaving rs at its start.
func (h *siteHandler) etag(name string, rs io.ReadSeeker) (string, error) {
	if v, ok := h.etags.Load(name); ok {
		return v.(string), nil
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, rs); err != nil {
		return "", err
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	tag := `"` + hex.EncodeToString(sum.Sum(nil)[:12]) + `"`
	h.etags.Store(name, tag)
	return tag, nil
}

// hidden reports whether a path has a segment starting with a dot
// (.gitignore and the like are not part of the site).
func hidden(name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// acceptedEncodings parses an Accept-Encoding header into the set of the
// codings it allows (q > 0), honouring "*" for codings it does not name.
func acceptedEncodings(header string) map[string]bool {
	named := map[string]float64{}
	star := -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if coding == "*" {
			star = q
		} else {
			named[coding] = q
		}
	}
	ok := map[string]bool{}
	for _, e := range encodings {
		if q, isNamed := named[e.name]; isNamed {
			ok[e.name] = q > 0
		} else {
			ok[e.name] = star > 0
		}
	}
	return ok
}
