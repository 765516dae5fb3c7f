-- A tier's name and evidence in English, for the interface's English mode; empty
-- where an administrator wrote none (the Vietnamese text is shown). The 2022 seed
-- gets the translations of its three tiers.
ALTER TABLE tiers ADD COLUMN label_en TEXT NULL;
ALTER TABLE tiers ADD COLUMN evidence_en TEXT NULL;
UPDATE tiers SET label_en = 'Student of a poor household',
                 evidence_en = 'This year''s poor-household certificate, or the poor-household list approved by the commune People''s Committee'
 WHERE code = 'i' AND label = 'Học sinh thuộc hộ nghèo';
UPDATE tiers SET label_en = 'Student of a near-poor household',
                 evidence_en = 'This year''s near-poor-household certificate, or the near-poor-household list approved by the commune People''s Committee'
 WHERE code = 'ii' AND label = 'Học sinh thuộc hộ cận nghèo';
UPDATE tiers SET label_en = 'Student whose father or mother died of Covid-19',
                 evidence_en = 'The death certificate, or the commune People''s Committee''s confirmation that the father or mother died of Covid-19'
 WHERE code = 'iii' AND label = 'Học sinh có bố hoặc mẹ tử vong do Covid-19';
