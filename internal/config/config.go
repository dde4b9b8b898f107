// Package config reads Lapak's settings from environment variables, each of which
// has a command-line flag of the same meaning. It owns defaults and validation,
// and nothing else: values are passed to constructors, never read globally.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Config holds every setting of a Lapak process.
type Config struct {
	Addr        string // LAPAK_ADDR: where the HTTP server listens
	DataDir     string // LAPAK_DATA: data folder (embedded PostgreSQL cluster, files)
	DatabaseURL string // DATABASE_URL: external PostgreSQL; empty starts the embedded cluster
	BaseURL     string // LAPAK_BASE_URL: public URL, used in e-mails and for secure cookies
	OCIDPrefix  string // LAPAK_OCID_PREFIX: the ocid prefix of the OCDS open data, registered with the OCDS helpdesk
	SMTP        SMTP
}

// SMTP holds outgoing mail settings; with no host, mail is written to the log and the outbox page.
type SMTP struct {
	Host     string // LAPAK_SMTP_HOST
	Port     int    // LAPAK_SMTP_PORT
	Username string // LAPAK_SMTP_USERNAME
	Password string // LAPAK_SMTP_PASSWORD
	From     string // LAPAK_SMTP_FROM
}

// Var describes one setting: its environment variable, flag name and help text.
type Var struct {
	Env, Flag, Default, Help string
}

// Vars lists every setting in the order `lapak serve --help` shows them.
var Vars = []Var{
	{"LAPAK_ADDR", "addr", "127.0.0.1:8080", "address the HTTP server listens on"},
	{"LAPAK_DATA", "data", "./data", "data folder: the embedded PostgreSQL cluster and uploaded files"},
	{"DATABASE_URL", "database-url", "", "PostgreSQL URL; when empty, Lapak starts its own cluster in the data folder"},
	{"LAPAK_BASE_URL", "base-url", "", "public URL of the site (default http://ADDR); https makes cookies Secure"},
	{"LAPAK_OCID_PREFIX", "ocid-prefix", "ocds-lapak1", "ocid prefix of the OCDS open data (ocds- and 6 letters or digits, registered with the OCDS helpdesk)"},
	{"LAPAK_SMTP_HOST", "smtp-host", "", "SMTP server for e-mail; when empty, e-mail goes to the log and the admin outbox"},
	{"LAPAK_SMTP_PORT", "smtp-port", "587", "SMTP port"},
	{"LAPAK_SMTP_USERNAME", "smtp-username", "", "SMTP user name"},
	{"LAPAK_SMTP_PASSWORD", "smtp-password", "", "SMTP password"},
	{"LAPAK_SMTP_FROM", "smtp-from", "Lapak Solok Selatan <noreply@localhost>", "sender address of e-mail"},
}

// Load reads the settings from getenv (os.Getenv in main), applying defaults.
// Call Validate after flags have had their say.
func Load(getenv func(string) string) Config {
	get := func(env string) string {
		for _, v := range Vars {
			if v.Env == env {
				if s := strings.TrimSpace(getenv(env)); s != "" {
					return s
				}
				return v.Default
			}
		}
		panic("config: unknown variable " + env)
	}
	port, _ := strconv.Atoi(get("LAPAK_SMTP_PORT"))
	return Config{
		Addr:        get("LAPAK_ADDR"),
		DataDir:     get("LAPAK_DATA"),
		DatabaseURL: get("DATABASE_URL"),
		BaseURL:     get("LAPAK_BASE_URL"),
		OCIDPrefix:  get("LAPAK_OCID_PREFIX"),
		SMTP: SMTP{
			Host:     get("LAPAK_SMTP_HOST"),
			Port:     port,
			Username: get("LAPAK_SMTP_USERNAME"),
			Password: get("LAPAK_SMTP_PASSWORD"),
			From:     get("LAPAK_SMTP_FROM"),
		},
	}
}

// Bind registers one flag per setting on fs, defaulting to c's current values,
// so that a flag overrides its environment variable.
func (c *Config) Bind(fs *flag.FlagSet) {
	help := func(flagName string) string {
		for _, v := range Vars {
			if v.Flag == flagName {
				return fmt.Sprintf("%s (env %s)", v.Help, v.Env)
			}
		}
		panic("config: unknown flag " + flagName)
	}
	fs.StringVar(&c.Addr, "addr", c.Addr, help("addr"))
	fs.StringVar(&c.DataDir, "data", c.DataDir, help("data"))
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, help("database-url"))
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, help("base-url"))
	fs.StringVar(&c.OCIDPrefix, "ocid-prefix", c.OCIDPrefix, help("ocid-prefix"))
	fs.StringVar(&c.SMTP.Host, "smtp-host", c.SMTP.Host, help("smtp-host"))
	fs.IntVar(&c.SMTP.Port, "smtp-port", c.SMTP.Port, help("smtp-port"))
	fs.StringVar(&c.SMTP.Username, "smtp-username", c.SMTP.Username, help("smtp-username"))
	fs.StringVar(&c.SMTP.Password, "smtp-password", c.SMTP.Password, help("smtp-password"))
	fs.StringVar(&c.SMTP.From, "smtp-from", c.SMTP.From, help("smtp-from"))
}

// Validate checks every setting and returns one error listing all problems.
// It fills BaseURL from Addr when empty.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("LAPAK_ADDR %q: want host:port", c.Addr))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("LAPAK_DATA: must not be empty"))
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("LAPAK_BASE_URL %q: want an http or https URL", c.BaseURL))
	} else {
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	if !ocidPrefix.MatchString(c.OCIDPrefix) {
		errs = append(errs, fmt.Errorf("LAPAK_OCID_PREFIX %q: want ocds- followed by 6 lower-case letters or digits, e.g. ocds-lapak1", c.OCIDPrefix))
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, errors.New("DATABASE_URL: want a postgres:// URL"))
		}
	}
	if c.SMTP.Host != "" && (c.SMTP.Port <= 0 || c.SMTP.Port > 65535) {
		errs = append(errs, fmt.Errorf("LAPAK_SMTP_PORT %d: want a port number", c.SMTP.Port))
	}
	return errors.Join(errs...)
}

// ocidPrefix is the form of an OCDS ocid prefix: "ocds-" and six characters.
var ocidPrefix = regexp.MustCompile(`^ocds-[a-z0-9]{6}$`)

// Secure reports whether the site is served over HTTPS.
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Redacted returns the settings as key/value pairs for the start-up log, secrets hidden.
func (c Config) Redacted() []any {
	db := "embedded"
	if c.DatabaseURL != "" {
		db = redactURL(c.DatabaseURL)
	}
	pw := ""
	if c.SMTP.Password != "" {
		pw = "xxxxx"
	}
	return []any{"addr", c.Addr, "data", c.DataDir, "database", db, "base_url", c.BaseURL, "ocid_prefix", c.OCIDPrefix,
		"smtp_host", c.SMTP.Host, "smtp_port", c.SMTP.Port, "smtp_username", c.SMTP.Username, "smtp_password", pw}
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
