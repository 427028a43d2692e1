// Package web is Vigie's French web application: server-side rendered pages
// (html/template, embedded assets, no JavaScript build step), local accounts
// with roles and scopes, browser sessions with CSRF protection, and a small
// JSON API under /api/v1/ for scripts holding a bearer token.
//
// Pages: /connexion, / (the user's dashboard, by scope: the grid of the
// dossiers of the nation or the region with filters, counts, sorting,
// pages and /pilotage.csv and .xlsx exports; the GHT's entity grid; the
// establishment's objectives and audits — home.go, grid*.go, national.go),
// /dossiers/{id} (dashboard, ?at=JJ/MM/AAAA or AAAA-MM-JJ), /dossiers/{id}/grille,
// /dossiers/{id}/rapports/ad/{audit} and /rapports/exposition/{audit}
// (audit reports with the comparison with the previous audit),
// /compte (password, API tokens), /comptes (account management,
// administrators), /journal (filtered audit trail, CSV export),
// /entites/{finess}
// (one EJ or EG), the record forms /entites/{finess}/exercices/nouveau,
// /entites/{finess}/osis and /entites/{finess}/budget, and /import (upload
// of a vigie-dossier file). The API is
// documented in docs/openapi.yaml.
//
// /dossiers/{id}/audits launches audits from the application: exposure
// scans of an approved perimeter and AD collections with a connection
// sealed in the store, queued as River jobs on Config.Jobs and run by the
// job engine's workers, in this process or in « vigie worker » (audit_*.go;
// job pages /dossiers/{id}/taches/{job} with /etat and /annulation, the job
// list /taches); /dossiers/{id}/planification sets the audit schedules and
// shows the calendar (schedules.go); /alertes is the user's own alert
// subscriptions (alerts.go); /dossiers/{id}/gouvernance is the GHT
// governance form (D1.O6, governance.go).
//
// Record forms of a dossier (records_*.go): /dossiers/{id}/audits-ad/ads
// (official ADS result, D1.O1), /dossiers/{id}/audits-exposition/nouveau
// (exposure audit typed in or uploaded as a Vigie or OPSSIES file, D1.O2),
// /dossiers/{id}/entites/saisie (an EJ or EG, administrators and GHT
// referents), /dossiers/{id}/annuaires/saisie (an AD directory, same roles) and /finess/import (FINESS Etalab extraction, administrators).
// /dossiers/{id}/cycle records the next step of the dossier's life, by the
// role that owns it (steps.go); GET /api/v1/applicants/{id}/facts returns
// the dossier's records restricted to the caller's view (api_records.go).
// /entites/{finess}/perimetre declares an entity's exposure perimeter and
// /perimetre/approbation approves it (another account, perimeter.go);
// /dossiers/{id}/annuaires/{dir}/controleurs declares a directory's domain
// controllers (controllers.go); /deconnexion-partout ends every session of
// the user. The declaration material: /dossiers/{id}/bundle.zip (streamed,
// with manifeste.json), /fiche.pdf, /donnees.xlsx and /donnees/{table}.csv.
//
// Every page and API call goes through one access check (see access.go):
// a resource outside the user's scope answers 404, exactly like a resource
// that does not exist, so that scope cannot be probed; an in-scope resource
// the role may only read answers 403 to a write.
package web
