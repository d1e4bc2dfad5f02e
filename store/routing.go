package store

import (
	"context"
	"fmt"
	"strings"

	"hotline"
)

// RoutingRule is hotline.RoutingRule, kept under its old name for callers.
type RoutingRule = hotline.RoutingRule

// nationalitySQL guesses the nationality of the person of case c (contact
// k) from what intake knows: the country code of the number (k.region,
// computed from the address in Go before it is sealed: regionOf), else the
// language. It is a guess for routing only; a wrong guess still reaches a
// responder, who can pass the case on.
const nationalitySQL = `CASE
	WHEN k.region <> '' THEN k.region
	WHEN c.lang = 'ko' THEN 'KR'
	WHEN c.lang = 'km' THEN 'KH'
	ELSE '' END`

// routeSQL lists the organisations whose rules match case ?1, best rule
// first, leaving out organisations the case already went to. One query
// serves the intake hook (inside the writer's transaction) and the console's
// proposal, so they can never disagree.
const routeSQL = `
	SELECT r.organisation_id, o.name, min(r.position) AS pos
	FROM routing_rules r
	JOIN organisations o ON o.id = r.organisation_id
	JOIN cases c ON c.id = ?1
	JOIN contacts k ON k.id = c.contact_id
	WHERE (r.nationality = '' OR r.nationality = ` + nationalitySQL + `)
	  AND (r.lang = '' OR r.lang = c.lang)
	  AND (r.province = '' OR r.province = c.province)
	  AND r.min_urgency <= c.urgency
	  AND (r.reporter = '' OR r.reporter = c.reporter)
	  AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.case_id = ?1 AND h.organisation_id = r.organisation_id)
	GROUP BY r.organisation_id
	ORDER BY pos, r.organisation_id`

// Route proposes the organisations a case should go to, in order, leaving
// out those it already went to.
func (db *DB) Route(ctx context.Context, caseID int64) ([]hotline.Organisation, error) {
	rows, err := db.rdb.QueryContext(ctx, routeSQL, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: route: %w", err)
	}
	defer rows.Close()
	var out []hotline.Organisation
	for rows.Next() {
		var o hotline.Organisation
		var pos int
		if err := rows.Scan(&o.ID, &o.Name, &pos); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// AddRoute stores a rule for an organisation (created if new).
func (db *DB) AddRoute(ctx context.Context, actor, org string, r RoutingRule) (RoutingRule, error) {
	r.Nationality = strings.ToUpper(strings.TrimSpace(r.Nationality))
	r.Lang, r.Province, r.Reporter = strings.TrimSpace(r.Lang), strings.TrimSpace(r.Province), strings.TrimSpace(r.Reporter)
	switch hotline.Reporter(r.Reporter) {
	case "", hotline.ReporterSelf, hotline.ReporterFamily, hotline.ReporterOther, hotline.ReporterUnknown:
	default:
		return r, hotline.Errorf(hotline.EINVALID, "reporter must be self, family, other or unknown")
	}
	if r.MinUrgency < 0 || r.MinUrgency > hotline.Critical {
		return r, hotline.Errorf(hotline.EINVALID, "unknown urgency")
	}
	o, err := db.EnsureOrganisation(ctx, org)
	if err != nil {
		return r, err
	}
	r.OrganisationID, r.Organisation = o.ID, o.Name
	now := db.now()
	err = db.write(ctx, func(tx *writeTx) error {
		if err := tx.QueryRow(`
			INSERT INTO routing_rules (position, nationality, lang, province, min_urgency, reporter, organisation_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.Position, r.Nationality, r.Lang, r.Province, int(r.MinUrgency), r.Reporter, r.OrganisationID, ms(now)).Scan(&r.ID); err != nil {
			return err
		}
		return audit(tx, now, actor, "route.added", 0, map[string]any{"rule_id": r.ID, "organisation_id": r.OrganisationID})
	})
	return r, err
}

// Routes lists the rules in the order they are applied.
func (db *DB) Routes(ctx context.Context) ([]RoutingRule, error) {
	rows, err := db.rdb.QueryContext(ctx, `
		SELECT r.id, r.position, r.nationality, r.lang, r.province, r.min_urgency, r.reporter, r.organisation_id, o.name
		FROM routing_rules r JOIN organisations o ON o.id = r.organisation_id ORDER BY r.position, r.id`)
	if err != nil {
		return nil, fmt.Errorf("store: routes: %w", err)
	}
	defer rows.Close()
	var out []RoutingRule
	for rows.Next() {
		var r RoutingRule
		var u int
		if err := rows.Scan(&r.ID, &r.Position, &r.Nationality, &r.Lang, &r.Province, &u, &r.Reporter, &r.OrganisationID, &r.Organisation); err != nil {
			return nil, err
		}
		r.MinUrgency = hotline.Urgency(u)
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeleteRoute removes a rule.
func (db *DB) DeleteRoute(ctx context.Context, actor string, id int64) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		res, err := tx.Exec(`DELETE FROM routing_rules WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hotline.Errorf(hotline.ENOTFOUND, "rule %d not found", id)
		}
		return audit(tx, now, actor, "route.deleted", 0, map[string]any{"rule_id": id})
	})
}
