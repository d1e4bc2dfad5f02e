package email

import "crypto/tls"

// tlsConfig checks the relay's certificate against its name.
func tlsConfig(host string) *tls.Config {
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}
