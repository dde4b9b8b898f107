package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoBinaries is returned when no PostgreSQL server binaries can be found.
var ErrNoBinaries = errors.New("PostgreSQL binaries not found: install the postgresql package (apt-get install postgresql) or set DATABASE_URL")

// Local is a private PostgreSQL cluster in a folder of Lapak's, reachable only
// through a Unix socket. As root it runs as the postgres user.
type Local struct {
	Dir       string // cluster folder (PGDATA)
	SocketDir string // folder of the Unix socket
	Fast      bool   // trade durability for speed (tests): fsync off, no sync at initdb
	Log       *slog.Logger

	bin  string
	cred *syscall.Credential
}

// NewLocal prepares a cluster in dataDir/postgres. It finds the binaries and,
// as root, arranges for the cluster to run as the postgres user; when that user
// cannot reach dataDir (for example under /root), the cluster lives under
// /var/lib/lapak instead and the log says so.
func NewLocal(dataDir string, log *slog.Logger) (*Local, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("postgres: data folder: %w", err)
	}
	l := &Local{Dir: filepath.Join(abs, "pg", "cluster"), Log: log}
	if err := l.init(); err != nil {
		return nil, err
	}
	if l.cred != nil && !reachableBy(abs, l.cred.Uid) {
		alt := filepath.Join("/var/lib/lapak", shortHash(abs), "cluster")
		log.Info("data folder not reachable by the postgres user; using another folder for the cluster", "folder", alt)
		l.Dir = alt
	}
	l.SocketDir = filepath.Join(filepath.Dir(l.Dir), "run")
	if len(l.SocketDir) > 90 {
		l.SocketDir = filepath.Join(os.TempDir(), "lapak-"+shortHash(l.Dir))
	}
	return l, nil
}

// init locates the binaries and the user to run them as.
func (l *Local) init() error {
	bin, err := findBinDir()
	if err != nil {
		return err
	}
	l.bin = bin
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return errors.New("postgres: running as root needs a 'postgres' system user to run the cluster (install the postgresql package, or run Lapak as another user)")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		l.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	return nil
}

// findBinDir looks for initdb and pg_ctl in PATH, then pg_config --bindir, then
// /usr/lib/postgresql/*/bin (newest version first).
func findBinDir() (string, error) {
	ok := func(dir string) bool {
		for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				return false
			}
		}
		return true
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && ok(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if ok(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); ok(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if ok(d) {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func versionOf(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// reachableBy reports whether every folder from / down to dir can be entered by uid.
func reachableBy(dir string, uid uint32) bool {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err == nil {
			st, _ := fi.Sys().(*syscall.Stat_t)
			mode := fi.Mode().Perm()
			if st != nil && st.Uid == uid {
				if mode&0o100 == 0 {
					return false
				}
			} else if mode&0o001 == 0 {
				return false
			}
		}
		if d == "/" || d == "." {
			return true
		}
	}
}

// Start initialises the cluster when new, starts it unless it is already
// running (a cluster left by a crashed run is reused; PostgreSQL recovers from
// its own WAL), and creates database dbName when missing.
func (l *Local) Start(ctx context.Context, dbName string) error {
	if err := l.prepareDirs(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(l.Dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		args := []string{"-D", l.Dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"}
		if l.Fast {
			args = append(args, "--no-sync")
		}
		if out, err := l.run(ctx, "initdb", args...); err != nil {
			return fmt.Errorf("postgres: initdb: %w\n%s", err, out)
		}
		l.Log.Info("created PostgreSQL cluster", "folder", l.Dir)
	}
	if !l.Running(ctx) {
		opts := fmt.Sprintf("-k %s -c listen_addresses= -p 5432 -c unix_socket_permissions=0700", l.SocketDir)
		if l.Fast {
			opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
		}
		logFile := filepath.Join(filepath.Dir(l.Dir), "postgres.log")
		if out, err := l.run(ctx, "pg_ctl", "start", "-w", "-t", "120", "-D", l.Dir, "-l", logFile, "-o", opts); err != nil {
			tail, _ := tailFile(logFile, 2000)
			return fmt.Errorf("postgres: pg_ctl start: %w\n%s\n%s", err, out, tail)
		}
		l.Log.Info("started PostgreSQL", "folder", l.Dir, "socket", l.SocketDir)
	} else {
		l.Log.Info("reusing running PostgreSQL", "folder", l.Dir)
	}
	return l.ensureDatabase(ctx, dbName)
}

// prepareDirs creates the cluster's base folder (owned by the server's user,
// holding the cluster, its log and usually its socket) inside enterable parents.
func (l *Local) prepareDirs() error {
	base := filepath.Dir(l.Dir)
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return fmt.Errorf("postgres: create %s: %w", filepath.Dir(base), err)
	}
	for _, d := range []string{base, l.SocketDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("postgres: create %s: %w", d, err)
		}
		if l.cred != nil {
			if err := os.Chown(d, int(l.cred.Uid), int(l.cred.Gid)); err != nil {
				return fmt.Errorf("postgres: chown %s: %w", d, err)
			}
		}
	}
	return nil
}

// Running reports whether the cluster's server is up.
func (l *Local) Running(ctx context.Context) bool {
	_, err := l.run(ctx, "pg_ctl", "status", "-D", l.Dir)
	return err == nil
}

// Stop shuts the cluster down (fast mode: open sessions are rolled back).
func (l *Local) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if !l.Running(ctx) {
		return nil
	}
	if out, err := l.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", l.Dir); err != nil {
		return fmt.Errorf("postgres: pg_ctl stop: %w\n%s", err, out)
	}
	l.Log.Info("stopped PostgreSQL", "folder", l.Dir)
	return nil
}

// Watch restarts the cluster whenever its server stops while ctx is live, so a
// killed postgres process does not take Lapak down.
func (l *Local) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if l.Running(ctx) || ctx.Err() != nil {
			continue
		}
		l.Log.Warn("PostgreSQL is not running; restarting it")
		if err := l.Start(ctx, ""); err != nil && ctx.Err() == nil {
			l.Log.Error("restart PostgreSQL", "err", err)
		}
	}
}

// URL returns the connection URL of database dbName over the Unix socket.
func (l *Local) URL(dbName string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=5432&sslmode=disable", dbName, l.SocketDir)
}

func (l *Local) ensureDatabase(ctx context.Context, dbName string) error {
	if dbName == "" {
		return nil
	}
	conn, err := pgx.Connect(ctx, l.URL("postgres"))
	if err != nil {
		return fmt.Errorf("postgres: connect to local cluster: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", dbName).Scan(&exists); err != nil {
		return fmt.Errorf("postgres: look up database: %w", err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{dbName}.Sanitize()); err != nil && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("postgres: create database: %w", err)
	}
	return nil
}

// run executes a PostgreSQL binary, as the postgres user when running as root.
func (l *Local) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(l.bin, name), args...)
	// Its own process group: a Ctrl-C at the terminal reaches Lapak, which then
	// stops the cluster in order, after the HTTP server has drained.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: l.cred}
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	cmd.Dir = "/"
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.Bytes(), err
}

func tailFile(path string, n int64) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if int64(len(data)) > n {
		data = data[int64(len(data))-n:]
	}
	return string(data), nil
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}
