package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"hotline/internal/password"
	"hotline/store"
)

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError("usage: hotline user add NAME --role admin|agent|responder [--org NAME]")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	role := fs.String("role", "", "admin, agent or responder")
	org := fs.String("org", "", "organisation of a responder (created if new)")
	// Accept the name before or after the flags.
	rest := args[1:]
	var name string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return usageError(err.Error())
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if name == "" || *role == "" {
		return usageError("usage: hotline user add NAME --role admin|agent|responder [--org NAME]")
	}

	pw, generated, err := readPassword(stdin, name)
	if err != nil {
		return err
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return err
	}
	db, err := openStore(cfg, store.DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.CreateUser(ctx, name, *role, hash)
	if err != nil {
		return err
	}
	if generated {
		// Whoever ran this command has seen the password.
		if err := db.RequirePasswordChange(ctx, u.ID); err != nil {
			return err
		}
	}
	if *org != "" {
		if err := db.SetUserOrganisation(ctx, u.Name, *org); err != nil {
			return err
		}
	}
	if generated {
		fmt.Fprintf(stdout, "created %s %q; password (shown once): %s\nit must be changed at the first login\n", u.Role, u.Name, pw)
	} else {
		fmt.Fprintf(stdout, "created %s %q\n", u.Role, u.Name)
	}
	return nil
}

// readPassword takes the password from the first line of stdin when stdin is
// not a terminal, else generates one; a given password must follow the
// same rules as one set in the console.
func readPassword(stdin io.Reader, name string) (pw string, generated bool, err error) {
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return generatePasswordFor(name), true, nil
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, err
	}
	pw = strings.TrimRight(line, "\r\n")
	if pw == "" {
		return generatePasswordFor(name), true, nil
	}
	if err := password.Check(pw, name); err != nil {
		return "", false, passwordError(err)
	}
	return pw, false, nil
}

// passwordError says in plain words which rule a password given on stdin
// broke; the console shows the same rules translated.
func passwordError(err error) error {
	switch err {
	case password.ErrTooShort:
		return fmt.Errorf("password too short: use at least %d characters (spaces and any language are fine)", password.MinLength)
	case password.ErrTooLong:
		return fmt.Errorf("password too long: use at most %d characters", password.MaxLength)
	case password.ErrCommon:
		return fmt.Errorf("password refused: it is on the list of breached or common passwords")
	case password.ErrPattern:
		return fmt.Errorf("password refused: it is a repeated or sequential pattern")
	case password.ErrContext:
		return fmt.Errorf("password refused: it contains the user name or the name of the service")
	}
	return fmt.Errorf("password refused: %w", err)
}
