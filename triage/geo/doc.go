// Package geo answers the two location questions triage asks of every
// inbound message: which Cambodian province contains a point, and which
// coordinates a free-text message contains. It works offline, from data
// embedded in the binary, and is safe for concurrent use.
//
// Province boundaries come from geoBoundaries gbOpen KHM ADM1
// (khm-adm1.topojson, a byte-exact copy), which is derived from
// OpenStreetMap: © OpenStreetMap contributors. The data is licensed under the
// Open Data Commons Open Database License (ODbL) 1.0
// (https://www.openstreetmap.org/copyright); anything that shows or
// redistributes it, such as the console's map, must keep that attribution,
// and a distributed database derived from it stays under ODbL. See NOTICE.md.
package geo
