package store

import (
	"context"
	"time"

	"hotline"
)

// TouchSession records that a session was used now. The console calls it at
// most once a minute per session, so the list stays truthful without a
// write (and an fsync) on every page.
func (db *DB) TouchSession(ctx context.Context, sessionID int64) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		_, err := tx.Exec(`UPDATE sessions SET last_seen_at = ? WHERE id = ?`, ms(now), sessionID)
		return err
	})
}

// EachSession calls fn for every live session of userID, the newest first;
// current says whether it is the one of currentToken.
func (db *DB) EachSession(ctx context.Context, userID int64, currentToken string,
	fn func(id int64, created, lastSeen time.Time, address, agent string, current bool)) error {
	rows, err := db.rdb.QueryContext(ctx, `SELECT id, created_at, last_seen_at, address, agent, token_hash = ?
		FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY id DESC`, hashToken(currentToken), userID, ms(db.now()))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, created, seen int64
		var address, agent string
		var current bool
		if err := rows.Scan(&id, &created, &seen, &address, &agent, &current); err != nil {
			return err
		}
		var last time.Time
		if seen > 0 { // 0: made before sessions kept their last use
			last = fromMS(seen)
		}
		fn(id, fromMS(created), last, address, agent, current)
	}
	return rows.Err()
}

// RevokeSession ends one session of userID (a user ends their own from the
// account page); ENOTFOUND when it is not theirs or already gone.
func (db *DB) RevokeSession(ctx context.Context, actor hotline.Staff, userID, sessionID int64) error {
	now := db.now()
	return db.write(ctx, func(tx *writeTx) error {
		res, err := tx.Exec(`DELETE FROM sessions WHERE id = ? AND user_id = ?`, sessionID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hotline.Errorf(hotline.ENOTFOUND, "no session %d", sessionID)
		}
		return audit(tx, now, actor.Name, "session.revoked", 0, map[string]any{"user_id": userID, "session_id": sessionID})
	})
}

// RevokeOtherSessions ends every session of userID but the one of
// keepToken ("sign out everywhere else") and returns how many it ended.
func (db *DB) RevokeOtherSessions(ctx context.Context, actor hotline.Staff, userID int64, keepToken string) (int64, error) {
	return db.revokeSessions(ctx, actor, userID, keepToken, "session.revoked_others")
}

// RevokeAllSessions ends every session of userID (an administrator's
// action, when an account may be in the wrong hands) and returns how many
// it ended.
func (db *DB) RevokeAllSessions(ctx context.Context, actor hotline.Staff, userID int64) (int64, error) {
	return db.revokeSessions(ctx, actor, userID, "", "session.revoked_all")
}

func (db *DB) revokeSessions(ctx context.Context, actor hotline.Staff, userID int64, keepToken, action string) (int64, error) {
	now := db.now()
	var n int64
	err := db.write(ctx, func(tx *writeTx) error {
		var exists bool
		if err := tx.QueryRow(`SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)`, userID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return hotline.Errorf(hotline.ENOTFOUND, "no user %d", userID)
		}
		keep := ""
		if keepToken != "" {
			keep = hashToken(keepToken)
		}
		res, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keep)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return audit(tx, now, actor.Name, action, 0, map[string]any{"user_id": userID, "sessions": n})
	})
	return n, err
}
