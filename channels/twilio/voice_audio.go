package twilio

import (
	"embed"
	"io/fs"
	"regexp"
)

//go:embed voiceaudio/km/*.mp3
var voiceAudio embed.FS

// KhmerAudio holds the default Khmer prompts (placeholders, see
// voiceaudio/README.md), by file name: menu.mp3, danger.mp3, record.mp3,
// thanks.mp3.
var KhmerAudio, _ = fs.Sub(voiceAudio, "voiceaudio/km")

// AudioName is the pattern of a prompt file name that may be served; it
// keeps paths like ../ out of the voice folder.
var AudioName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}\.mp3$`)
