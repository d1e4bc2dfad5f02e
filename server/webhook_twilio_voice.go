package server

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/gofiber/fiber/v2"

	"hotline/channels/twilio"
	"hotline/locales"
)

// Voice call flow. Every step is a signed Twilio webhook answered with
// TwiML; what the caller chose travels in the query of the next step's URL,
// which Twilio signs back to us. Hotline never places a call itself.
const (
	voicePath          = "/webhooks/twilio/voice"
	voiceLangPath      = voicePath + "/lang"
	voiceDangerPath    = voicePath + "/danger"
	voiceDonePath      = voicePath + "/done"
	voiceRecordingPath = voicePath + "/recording"
	voiceAudioPrefix   = "/voice/km/"
)

func (s *Server) registerVoice() {
	s.app.Post(voicePath, s.voiceStep(s.handleVoiceCall))
	s.app.Post(voiceLangPath, s.voiceStep(s.handleVoiceLang))
	s.app.Post(voiceDangerPath, s.voiceStep(s.handleVoiceDanger))
	s.app.Post(voiceDonePath, s.voiceStep(s.handleVoiceDone))
	s.app.Post(voiceRecordingPath, s.handleVoiceRecording)
	s.app.Get(voiceAudioPrefix+":name", s.handleVoiceAudio)
}

// voiceStep verifies the signature, reads the call and the state so far,
// and sends the TwiML the step builds.
func (s *Server) voiceStep(step func(twilio.Call, twilio.CallState) ([]byte, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		params := twilioParams(c)
		if !s.verifyTwilio(c, params) {
			return nil
		}
		call, err := twilio.ParseCall(params, s.cfg.TwilioAccountSID)
		if err != nil {
			return s.twilioError(c, err)
		}
		xml, err := step(call, twilio.ParseCallState(queryValues(c), s.callers))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
		return c.Status(fiber.StatusOK).Send(xml)
	}
}

func queryValues(c *fiber.Ctx) url.Values {
	q := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
	return q
}

// voicePrompt is a line of the call in lang: Twilio speaks Korean and
// English; Khmer is a recording Hotline serves.
func (s *Server) voicePrompt(lang, id, audio string) twilio.Prompt {
	if lang == "km" {
		return twilio.Prompt{Lang: lang, Text: locales.T(lang, id, nil), AudioURL: s.cfg.PublicURL + voiceAudioPrefix + audio}
	}
	return twilio.Prompt{Lang: lang, Text: locales.T(lang, id, nil)}
}

func (s *Server) handleVoiceCall(call twilio.Call, _ twilio.CallState) ([]byte, error) {
	next := voiceLangPath + "?" + twilio.CallState{From: call.From}.Query(s.callers)
	return twilio.VoiceMenuTwiML(next, []twilio.Prompt{
		s.voicePrompt("km", "voice.menu", "menu.mp3"),
		s.voicePrompt("ko", "voice.menu", ""),
		s.voicePrompt("en", "voice.menu", ""),
	})
}

func (s *Server) handleVoiceLang(call twilio.Call, st twilio.CallState) ([]byte, error) {
	st.Lang = twilio.VoiceLanguage(call.Digits)
	if st.Lang == "" {
		st.Lang = "en" // no key pressed: carry on in English rather than lose the call
	}
	return twilio.VoiceDangerTwiML(voiceDangerPath+"?"+st.Query(s.callers), s.voicePrompt(st.Lang, "voice.danger", "danger.mp3"))
}

func (s *Server) handleVoiceDanger(call twilio.Call, st twilio.CallState) ([]byte, error) {
	st.Danger = call.Digits == "1"
	q := st.Query(s.callers)
	return twilio.VoiceRecordTwiML(s.voicePrompt(st.Lang, "voice.record", "record.mp3"),
		voiceDonePath+"?"+q, s.cfg.PublicURL+voiceRecordingPath+"?"+q)
}

func (s *Server) handleVoiceDone(_ twilio.Call, st twilio.CallState) ([]byte, error) {
	return twilio.VoiceDoneTwiML(s.voicePrompt(st.Lang, "voice.thanks", "thanks.mp3"))
}

// handleVoiceRecording lands a finished recording on the caller's case.
// Like a message it is answered 2xx only after the commit.
func (s *Server) handleVoiceRecording(c *fiber.Ctx) error {
	params := twilioParams(c)
	if !s.verifyTwilio(c, params) {
		return nil
	}
	in, ok, err := twilio.ParseRecording(params, twilio.ParseCallState(queryValues(c), s.callers), s.cfg.TwilioAccountSID)
	if err != nil {
		return s.twilioError(c, err)
	}
	if ok {
		if _, err := s.deps.Intake.Receive(c.UserContext(), in); err != nil {
			return s.twilioError(c, err)
		}
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// handleVoiceAudio serves a Khmer prompt: the admin's file in VoiceDir when
// there is one, the embedded placeholder otherwise.
func (s *Server) handleVoiceAudio(c *fiber.Ctx) error {
	name := c.Params("name")
	if !twilio.AudioName.MatchString(name) {
		return fiber.ErrNotFound
	}
	var b []byte
	var err error
	if s.cfg.VoiceDir != "" {
		b, err = os.ReadFile(filepath.Join(s.cfg.VoiceDir, "km", name))
	}
	if s.cfg.VoiceDir == "" || errors.Is(err, fs.ErrNotExist) {
		b, err = fs.ReadFile(twilio.KhmerAudio, name)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "audio/mpeg")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(b)
}
