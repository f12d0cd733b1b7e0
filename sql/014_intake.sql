-- 014_intake.sql — how a data-subject request came in (#12, manual
-- intake): the public web form, or a letter, an email, a phone call or a
-- visit that staff register in the intranet with the real date of receipt
-- (docs/requests.md, "Manual intake"). Requests made before this upgrade
-- came by the form. Who registered one is in its "registered" step.
--
-- The CHECK is a chain of comparisons, not "channel IN (...)": SQLite
-- evaluates a list of more than two values through an ephemeral b-tree
-- made anew for every row inserted, which cost the public form's
-- submission 5 % more instructions (make bench-check, form.submit).

ALTER TABLE requests ADD COLUMN channel TEXT NOT NULL DEFAULT 'form'
    CHECK (channel = 'form' OR channel = 'letter' OR channel = 'email' OR
    channel = 'phone' OR channel = 'in_person');
