// Package alert turns what Vigie observes — a new critical exposure
// finding, an AD level drop, an objective turning « non atteint », a
// deadline coming, a failed audit job — into alerts sent to the users who
// subscribed, by e-mail (SMTP with STARTTLS and authentication) or by a
// signed webhook (HMAC-SHA256), at once or as a digest. Every event carries
// a dedupe key: the same finding never alerts a subscriber twice.
package alert

import (
	"fmt"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure"
	"vigie/internal/french"
)

// Kind is the kind of an event; subscriptions choose kinds.
type Kind string

// The kinds of events.
const (
	CriticalFinding Kind = "critical_finding"
	ADLevelDrop     Kind = "ad_level_drop"
	ObjectiveNotMet Kind = "objective_not_met"
	DeadlineSoon    Kind = "deadline_soon"
	JobFailed       Kind = "job_failed"
)

// Kinds lists every kind, in display order.
var Kinds = []Kind{CriticalFinding, ADLevelDrop, ObjectiveNotMet, DeadlineSoon, JobFailed}

// French names a kind in French.
func (k Kind) French() string {
	return map[Kind]string{
		CriticalFinding: "nouvelle vulnérabilité critique exposée",
		ADLevelDrop:     "baisse du niveau ANSSI d'un annuaire",
		ObjectiveNotMet: "objectif devenu « non atteint »",
		DeadlineSoon:    "échéance proche",
		JobFailed:       "audit en échec",
	}[k]
}

// Event is something to alert on.
type Event struct {
	Kind Kind
	// Applicant is the dossier; Subject the entity (FINESS) or directory.
	Applicant string
	Subject   string
	// Key identifies the event for deduplication: the same key alerts a
	// subscriber once, whatever the number of times it is seen.
	Key string
	// Title is a French one-line summary; Detail French lines.
	Title  string
	Detail string
	At     time.Time
}

// NewCriticalFindings returns an event per critical finding of cur absent
// from prev (compared by stable finding key; prev nil: every critical
// finding of cur is new).
func NewCriticalFindings(applicant, entity string, prev, cur *exposure.Audit, at time.Time) []Event {
	known := map[string]bool{}
	if prev != nil {
		for _, f := range prev.Findings {
			if f.Severity == exposure.Critical {
				known[findingKey(f)] = true
			}
		}
	}
	var out []Event
	for _, f := range cur.Findings {
		if f.Severity != exposure.Critical || known[findingKey(f)] {
			continue
		}
		k := findingKey(f)
		known[k] = true
		out = append(out, Event{Kind: CriticalFinding, Applicant: applicant, Subject: entity,
			Key:    "critical:" + entity + ":" + k,
			Title:  fmt.Sprintf("Vulnérabilité critique exposée : %s sur %s", f.Title, assetOf(f)),
			Detail: f.Remediation, At: at})
	}
	return out
}

func findingKey(f exposure.Finding) string { return f.Key() }

func assetOf(f exposure.Finding) string {
	if f.Port > 0 {
		return fmt.Sprintf("%s port %d", f.Host, f.Port)
	}
	return f.Host
}

// LevelDrop returns the event of an AD level lower than the previous
// audit's (nil when it did not drop).
func LevelDrop(applicant, directory, auditID string, prev, cur int, at time.Time) *Event {
	if prev == 0 || cur >= prev {
		return nil
	}
	return &Event{Kind: ADLevelDrop, Applicant: applicant, Subject: directory, Key: "adlevel:" + directory + ":" + auditID,
		Title:  fmt.Sprintf("Annuaire %s : niveau ANSSI passé de %d à %d", directory, prev, cur),
		Detail: fmt.Sprintf("Audit %s.", auditID), At: at}
}

// TurnedNotMet returns an event per objective result « non atteint » in
// cur that was not in prev (results matched by objective and entity).
func TurnedNotMet(applicant string, prev, cur []care.Result, asOf civil.Date, at time.Time) []Event {
	was := map[string]care.Status{}
	for _, r := range prev {
		was[r.Objective+"|"+r.Entity] = r.Status
	}
	var out []Event
	for _, r := range cur {
		k := r.Objective + "|" + r.Entity
		if r.Status != care.NotMet || was[k] == care.NotMet {
			continue
		}
		subject := r.Entity
		if subject == "" {
			subject = applicant
		}
		out = append(out, Event{Kind: ObjectiveNotMet, Applicant: applicant, Subject: subject,
			Key:    "notmet:" + applicant + ":" + k + ":" + asOf.String(),
			Title:  fmt.Sprintf("Objectif %s non atteint (%s)", r.Objective, nameOf(r)),
			Detail: r.Reason, At: at})
	}
	return out
}

func nameOf(r care.Result) string {
	if r.EntityName != "" {
		return r.EntityName
	}
	if r.Entity != "" {
		return r.Entity
	}
	return "dossier"
}

// DeadlinesWithin returns an event per next action of cur due within days
// of asOf (and not past).
func DeadlinesWithin(applicant string, cur []care.Result, asOf civil.Date, days int, at time.Time) []Event {
	var out []Event
	for _, r := range cur {
		if r.Next == nil || r.Next.Due.IsZero() || r.Status == care.Met {
			continue
		}
		left := r.Next.Due.DaysSince(asOf)
		if left < 0 || left > days {
			continue
		}
		subject := r.Entity
		if subject == "" {
			subject = applicant
		}
		out = append(out, Event{Kind: DeadlineSoon, Applicant: applicant, Subject: subject,
			Key:    "deadline:" + applicant + ":" + r.Objective + "|" + r.Entity + ":" + r.Next.Due.String(),
			Title:  fmt.Sprintf("Objectif %s (%s) : échéance le %s, %s", r.Objective, nameOf(r), r.Next.Due.French(), inDays(left)),
			Detail: r.Next.Action, At: at})
	}
	return out
}

// inDays says when a due date comes: « aujourd'hui », « demain », « dans 3 jours ».
func inDays(n int) string {
	switch n {
	case 0:
		return "aujourd'hui"
	case 1:
		return "demain"
	}
	return "dans " + french.Plural(n, "jour", "jours")
}

// Failed returns the event of a failed attempt of an audit job.
func Failed(applicant, subject string, jobID int64, attempt int, what, msg string, at time.Time) Event {
	return Event{Kind: JobFailed, Applicant: applicant, Subject: subject, Key: fmt.Sprintf("job:%d:%d", jobID, attempt),
		Title:  fmt.Sprintf("Tâche %d (%s) en échec, tentative %d", jobID, what, attempt),
		Detail: msg, At: at}
}
