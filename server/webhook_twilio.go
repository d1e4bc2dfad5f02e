package server

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/channels/twilio"
)

// twilioParams collects every form parameter Twilio sent: the signature
// covers all of them, including ones Hotline does not read. A webhook
// carries about twenty, so every name and value is cut from one string and
// every single-value list from one array, instead of three allocations
// each.
func twilioParams(c *fiber.Ctx) url.Values {
	args := c.Request().PostArgs()
	size := 0
	args.VisitAll(func(k, v []byte) { size += len(k) + len(v) })
	buf := make([]byte, 0, size)
	args.VisitAll(func(k, v []byte) { buf = append(append(buf, k...), v...) })
	all := string(buf)
	params := make(url.Values, args.Len())
	lists := make([]string, args.Len())
	args.VisitAll(func(k, v []byte) {
		name := all[:len(k)]
		value := all[len(k) : len(k)+len(v)]
		all = all[len(k)+len(v):]
		if vs, ok := params[name]; ok {
			params[name] = append(vs, value)
			return
		}
		lists[0] = value
		params[name], lists = lists[:1:1], lists[1:]
	})
	return params
}

// verifyTwilio checks X-Twilio-Signature against the public URL plus the
// path and query the request came in on. It answers 403 itself when the
// request is forged, unsigned, or Twilio is not configured.
func (s *Server) verifyTwilio(c *fiber.Ctx, params url.Values) bool {
	if s.cfg.TwilioAuthToken == "" {
		s.log.Warn("twilio webhook refused: channel not configured", "path", c.Path())
		_ = c.Status(fiber.StatusForbidden).SendString("twilio channel not configured")
		return false
	}
	fullURL := s.cfg.PublicURL + c.OriginalURL()
	if !s.twilioSig.Verify(fullURL, params, c.Get("X-Twilio-Signature")) {
		// No body, no numbers: only what helps find a misconfiguration.
		s.log.Warn("twilio webhook refused: bad signature", "path", c.Path(), "remote", c.IP(),
			"has_signature", c.Get("X-Twilio-Signature") != "")
		_ = c.Status(fiber.StatusForbidden).SendString("invalid signature")
		return false
	}
	return true
}

// handleTwilioMessage receives an inbound SMS or WhatsApp message. Twilio
// gives up after 15 s and never retries a 2xx, so the 200 goes out only
// after the message is committed.
func (s *Server) handleTwilioMessage(c *fiber.Ctx) error {
	params := twilioParams(c)
	if !s.verifyTwilio(c, params) {
		return nil
	}
	in, err := twilio.ParseMessage(params, s.cfg.TwilioAccountSID)
	if err != nil {
		return s.twilioError(c, err)
	}
	rcpt, err := s.deps.Intake.Receive(c.UserContext(), in)
	if err != nil {
		return s.twilioError(c, err)
	}
	markDuplicate(c, rcpt.Duplicate)
	twiml, err := twilio.MessageTwiML(rcpt.Reply)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
	return c.Status(fiber.StatusOK).Send(twiml)
}

// handleTwilioStatus records delivery status callbacks for outbound messages.
func (s *Server) handleTwilioStatus(c *fiber.Ctx) error {
	params := twilioParams(c)
	if !s.verifyTwilio(c, params) {
		return nil
	}
	st, err := twilio.ParseStatus(params, s.cfg.TwilioAccountSID)
	if err != nil {
		return s.twilioError(c, err)
	}
	err = s.deps.Intake.RecordDeliveryStatus(c.UserContext(), st.Channel, st.MessageSid, st.Status, st.ErrorCode)
	if err != nil && hotline.ErrorCode(err) != hotline.ENOTFOUND {
		return err
	}
	// An unknown id (a message sent outside Hotline) is answered 204 all
	// the same: a retry would not make it known.
	return c.SendStatus(fiber.StatusNoContent)
}

// twilioError answers a webhook that cannot be taken. An account mismatch is
// a 403 like a forged signature; other rejects are 400; anything else 500, so
// that Twilio retries.
func (s *Server) twilioError(c *fiber.Ctx, err error) error {
	switch hotline.ErrorCode(err) {
	case hotline.EUNAUTHORIZED:
		s.log.Warn("twilio webhook refused: account mismatch", "path", c.Path())
		return c.Status(fiber.StatusForbidden).SendString(hotline.ErrorMessage(err))
	case hotline.EINVALID:
		s.log.Warn("twilio webhook rejected", "path", c.Path(), "reason", hotline.ErrorMessage(err))
		return c.Status(fiber.StatusBadRequest).SendString(hotline.ErrorMessage(err))
	}
	return err
}
