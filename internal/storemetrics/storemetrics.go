// Package storemetrics exposes the store's numbers to Prometheus: commit
// batch sizes and latency, the writer's queue, the case queue by urgency
// and the age of the oldest critical case nobody has taken up. It is read
// at scrape time, so the writer never waits for it.
package storemetrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"hotline"
	"hotline/store"
)

// Source is what the collector reads; *store.DB implements it.
type Source interface {
	CommitMetrics() store.CommitSnapshot
	Stats() store.Stats
	WriterQueue() int
	QueueDepth(ctx context.Context) (map[hotline.Urgency]int, error)
	OldestUnacknowledgedCritical(ctx context.Context) (time.Time, bool, error)
}

// New returns a collector over db; failures to read are logged to log and
// reported to Prometheus as invalid metrics.
func New(db Source, log *slog.Logger) prometheus.Collector {
	if log == nil {
		log = slog.Default()
	}
	return &storeCollector{db: db, log: log}
}

// storeCollector reads the store's numbers at scrape time.
type storeCollector struct {
	db  Source
	log *slog.Logger
}

var (
	descBatch = prometheus.NewDesc("hotline_commit_batch_size",
		"Units of work per committed transaction (group commit).", nil, nil)
	descLatency = prometheus.NewDesc("hotline_commit_seconds",
		"Time from BEGIN to the end of COMMIT, fsync included.", nil, nil)
	descWriterQueue = prometheus.NewDesc("hotline_writer_queue",
		"Units of work waiting for the writer.", nil, nil)
	descReruns = prometheus.NewDesc("hotline_writer_reruns_total",
		"Batches run again unit by unit because a unit failed in their straight run.", nil, nil)
	descCacheHits = prometheus.NewDesc("hotline_intake_cache_hits_total",
		"Messages whose contact and open case came from the writer's intake cache instead of two reads.", nil, nil)
	descQueue = prometheus.NewDesc("hotline_queue_cases",
		"Cases waiting for an outcome (not resolved or closed), by urgency.", []string{"urgency"}, nil)
	descOldest = prometheus.NewDesc("hotline_oldest_unacknowledged_critical_seconds",
		"Age of the oldest critical case nobody has taken up (0 when there is none).", nil, nil)
)

func (sc *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descBatch, descLatency, descWriterQueue, descReruns, descCacheHits, descQueue, descOldest} {
		ch <- d
	}
}

func (sc *storeCollector) Collect(ch chan<- prometheus.Metric) {
	snap := sc.db.CommitMetrics()
	ch <- constHistogram(descBatch, snap.BatchSize)
	ch <- constHistogram(descLatency, snap.Latency)
	ch <- prometheus.MustNewConstMetric(descWriterQueue, prometheus.GaugeValue, float64(sc.db.WriterQueue()))
	stats := sc.db.Stats()
	ch <- prometheus.MustNewConstMetric(descReruns, prometheus.CounterValue, float64(stats.Reruns))
	ch <- prometheus.MustNewConstMetric(descCacheHits, prometheus.CounterValue, float64(stats.IntakeCacheHits))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	depth, err := sc.db.QueueDepth(ctx)
	if err != nil {
		sc.log.Warn("metrics: queue depth", "err", err)
		ch <- prometheus.NewInvalidMetric(descQueue, err)
	} else {
		for _, u := range []hotline.Urgency{hotline.Critical, hotline.High, hotline.Medium, hotline.Low, hotline.UrgencyUnknown} {
			name := u.String()
			if name == "" {
				name = "unknown"
			}
			ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(depth[u]), name)
		}
	}
	at, ok, err := sc.db.OldestUnacknowledgedCritical(ctx)
	switch {
	case err != nil:
		ch <- prometheus.NewInvalidMetric(descOldest, err)
	case !ok:
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, 0)
	default:
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, max(time.Since(at).Seconds(), 0))
	}
}

func constHistogram(d *prometheus.Desc, h store.Histogram) prometheus.Metric {
	buckets := make(map[float64]uint64, len(h.Bounds))
	for i, b := range h.Bounds {
		buckets[b] = h.Counts[i]
	}
	return prometheus.MustNewConstHistogram(d, h.Count, h.Sum, buckets)
}
