package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"hotline"
	"hotline/store"
)

const responderUsage = `usage:
  hotline responder add ORG NAME --channel sms|whatsapp|email|webhook --address ADDR [--lang en|ko|km] [--position N] [--off-duty]
                                  (webhook: the signing secret from HOTLINE_RESPONDER_SECRET)
  hotline responder list [ORG-ID]
  hotline responder duty ID on|off
  hotline responder remove ID`

const routeUsage = `usage:
  hotline route add ORG [--nationality KR] [--lang ko] [--province NAME] [--min-urgency high] [--reporter self|family|other] [--position N]
  hotline route list
  hotline route remove ID`

// positional splits leading arguments from flags, so that names may come
// before or after them.
func positional(fs *flag.FlagSet, args []string, n int) ([]string, error) {
	var pos []string
	for len(args) > 0 && len(pos) < n && !strings.HasPrefix(args[0], "-") {
		pos, args = append(pos, args[0]), args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return nil, usageError(err.Error())
	}
	return append(pos, fs.Args()...), nil
}

func cmdResponder(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError(responderUsage)
	}
	fs := flag.NewFlagSet("responder", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	channel := fs.String("channel", "", "sms, whatsapp, email or webhook")
	address := fs.String("address", "", "phone number, email address or webhook URL")
	lang := fs.String("lang", "en", "language of the packet")
	position := fs.Int("position", 0, "escalation order inside the organisation")
	offDuty := fs.Bool("off-duty", false, "add without putting on duty")
	pos, err := positional(fs, args[1:], 2)
	if err != nil {
		return err
	}
	db, err := openStore(cfg, store.DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	switch args[0] {
	case "add":
		if len(pos) != 2 {
			return usageError(responderUsage)
		}
		r, err := db.AddResponder(ctx, "cli", pos[0], store.Responder{
			Name: pos[1], Channel: hotline.Channel(*channel), Address: *address, Lang: *lang,
			Position: *position, OnDuty: !*offDuty, Secret: os.Getenv("HOTLINE_RESPONDER_SECRET"),
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d\n", r.ID)
	case "list":
		var org int64
		if len(pos) > 0 {
			org, _ = strconv.ParseInt(pos[0], 10, 64)
		}
		rs, err := db.Responders(ctx, org)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tORGANISATION\tNAME\tCHANNEL\tADDRESS\tLANG\tON DUTY\tPOSITION")
		for _, r := range rs {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%v\t%d\n", r.ID, r.Organisation, r.Name, r.Channel, hotline.MaskAddress(r.Address), r.Lang, r.OnDuty, r.Position)
		}
		return w.Flush()
	case "duty":
		if len(pos) != 2 || (pos[1] != "on" && pos[1] != "off") {
			return usageError(responderUsage)
		}
		id, _ := strconv.ParseInt(pos[0], 10, 64)
		return db.SetOnDuty(ctx, "cli", id, pos[1] == "on")
	case "remove":
		if len(pos) != 1 {
			return usageError(responderUsage)
		}
		id, _ := strconv.ParseInt(pos[0], 10, 64)
		return db.RemoveResponder(ctx, "cli", id)
	default:
		return usageError(responderUsage)
	}
	return nil
}

func cmdRoute(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError(routeUsage)
	}
	fs := flag.NewFlagSet("route", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := loadConfig(fs)
	nat := fs.String("nationality", "", "ISO country of the person, e.g. KR")
	lang := fs.String("lang", "", "language of the case: en, ko or km")
	province := fs.String("province", "", "province of the case")
	minUrg := fs.String("min-urgency", "", "low, medium, high or critical")
	reporter := fs.String("reporter", "", "self, family, other")
	position := fs.Int("position", 0, "order among the rules: lower first")
	pos, err := positional(fs, args[1:], 1)
	if err != nil {
		return err
	}
	db, err := openStore(cfg, store.DefaultOptions())
	if err != nil {
		return err
	}
	defer db.Close()
	switch args[0] {
	case "add":
		if len(pos) != 1 {
			return usageError(routeUsage)
		}
		var u hotline.Urgency
		if *minUrg != "" {
			if u, err = hotline.ParseUrgency(*minUrg); err != nil {
				return usageError(err.Error())
			}
		}
		r, err := db.AddRoute(ctx, "cli", pos[0], store.RoutingRule{Position: *position, Nationality: *nat, Lang: *lang,
			Province: *province, MinUrgency: u, Reporter: *reporter})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d\n", r.ID)
	case "list":
		rs, err := db.Routes(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tPOSITION\tNATIONALITY\tLANG\tPROVINCE\tMIN URGENCY\tREPORTER\tORGANISATION")
		for _, r := range rs {
			fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Position, r.Nationality, r.Lang, r.Province, r.MinUrgency, r.Reporter, r.Organisation)
		}
		return w.Flush()
	case "remove":
		if len(pos) != 1 {
			return usageError(routeUsage)
		}
		id, _ := strconv.ParseInt(pos[0], 10, 64)
		return db.DeleteRoute(ctx, "cli", id)
	default:
		return usageError(routeUsage)
	}
	return nil
}
