-- 014_intake.sql — how a data-subject request came in (#12, manual
-- intake): the public web form, or a letter, an email, a phone call or a
-- visit that staff register in the intranet with the real date of receipt
-- (docs/requests.md, "Manual intake"). Requests made before this upgrade
-- came by the form. Who registered one is in its "registered" step.

ALTER TABLE requests ADD COLUMN channel TEXT NOT NULL DEFAULT 'form'
    CHECK (channel IN ('form', 'letter', 'email', 'phone', 'in_person'));
