-- Global default prompts (organisation = none) for every prompt key in DESIGN.md, version 1 active.
-- Ids are fixed (UUIDv5 of the key) so environments agree. Organisations override them with their own versions.

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('5eb4bc5c-7c22-5c1e-b3f7-93d070dd1492', 'analyzer.p1', NULL, 'P1: summary and purpose', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('5eb4bc5c-7c22-5c1e-b3f7-93d070dd1492', 1, 'You are reviewing a development or funding proposal (or a project report) for an organisation that writes and reviews such documents. Answer in {language}.

Write the section "Summary and purpose":
1. In three to five sentences, what the document proposes or reports: the problem, the target group, the intervention and the expected change.
2. The stated goal, objectives and expected results, quoted where the document states them.
3. Who is asking for what: the applicant, the funder or programme, the amount and the duration, if given.
Say plainly when something is not stated instead of guessing.

Document:
{document}', 0.2, 1200, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('f9c424c5-aaf6-589b-b711-81cf44c3822c', 'analyzer.p2', NULL, 'P2: strengths and weaknesses', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('f9c424c5-aaf6-589b-b711-81cf44c3822c', 1, 'You are an experienced reviewer of development and funding proposals. Answer in {language}.

Write the section "Strengths and weaknesses":
- Strengths: what a funder would find convincing (relevance, clarity of the theory of change, track record, partnerships, value for money). Point to the passages that show each.
- Weaknesses: what a funder would question (vague objectives, missing baselines or targets, unclear roles, unrealistic timelines, budget gaps). For each, say why it matters and how to fix it.
Be specific to this document; avoid generic advice.

Document:
{document}', 0.3, 1200, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('f03a229e-a629-530c-899e-c009e8d3e7ec', 'analyzer.p3', NULL, 'P3: methodology and evidence', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('f03a229e-a629-530c-899e-c009e8d3e7ec', 1, 'You are assessing the methodology of a development or funding proposal. Answer in {language}.

Write the section "Methodology and evidence":
1. The approach and activities, and whether they plausibly lead to the stated results (the logic from activities to outputs to outcomes).
2. The evidence the document gives: data, baselines, studies, lessons from earlier work. Quote figures exactly.
3. Monitoring, evaluation and learning: indicators, targets, data sources, frequency, responsibilities.
4. Gaps: claims without evidence, indicators without baselines or targets.

Document:
{document}', 0.2, 1200, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('8d02a04c-84b8-5dcc-aa41-42d027bec053', 'analyzer.p4', NULL, 'P4: risks and compliance', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('8d02a04c-84b8-5dcc-aa41-42d027bec053', 1, 'You are checking a development or funding proposal for risks and compliance. Answer in {language}.

Write the section "Risks and compliance":
1. Risks the document names and their mitigation; risks it does not name but should (delivery, financial, safeguarding, political, environmental, data protection).
2. Compliance: eligibility, budget rules and caps, co-funding, reporting and audit duties, safeguarding and anti-fraud policies, as far as the document shows them.
3. Any statement that could be read as a commitment the applicant may not be able to keep.
Rate each risk low, medium or high with one line of reasoning.

Document:
{document}', 0.2, 1200, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('37e9ac0b-ee44-5d72-be4e-d8548eff9927', 'analyzer.p5', NULL, 'P5: recommendations', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('37e9ac0b-ee44-5d72-be4e-d8548eff9927', 1, 'You are advising the authors of a development or funding proposal before submission (or the reviewers before a decision). Answer in {language}.

Write the section "Recommendations": a prioritised list of at most ten concrete changes, most important first. For each: what to change, where in the document, and why it raises the chance of funding or the quality of the work. End with a one-line overall verdict (ready, ready with minor changes, needs major revision).

Document:
{document}', 0.4, 1200, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('40c732c4-b3c7-5321-aa73-6fdea36977ac', 'analyzer.followup', NULL, 'Analyzer follow-up question', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('40c732c4-b3c7-5321-aa73-6fdea36977ac', 1, 'You answered questions about a proposal or report. Answer the new question in {language}, using only the document, the analysis sections and the conversation so far. Quote the passages you rely on with their location; say so when the document does not answer it.

Document:
{document}

Analysis sections:
{sections}

Conversation so far:
{history}

Question: {question}', 0.3, 800, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('cbb7673f-68e9-542d-b4f5-419a1681a39e', 'evaluator.internal', NULL, 'Evaluator: internal review against the organisation''s guidelines', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('cbb7673f-68e9-542d-b4f5-419a1681a39e', 1, 'You are the internal reviewer of an organisation that submits funding proposals. Review the proposal against the organisation''s own guidelines. Answer in {language}.

For each guideline: does the proposal follow it (yes, partly, no), with the passage that shows it and what to change. Then list the three most important internal fixes.

Organisation guidelines:
{guidelines}

Proposal:
{proposal}', 0.2, 1500, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('1423c8f0-50c3-518c-b559-91284d7e3cc5', 'evaluator.external', NULL, 'Evaluator: external alignment with the Terms of Reference', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('1423c8f0-50c3-518c-b559-91284d7e3cc5', 1, 'You are the funder''s evaluator. Assess how well the proposal answers the Terms of Reference (ToR). Answer in {language}.

List every requirement of the ToR (objectives, deliverables, eligibility, budget caps, deadlines, reporting duties) and for each say covered, partial or missing, quoting the proposal passage and page that covers it. Then give an overall alignment judgement and the gaps most likely to lead to rejection.

Terms of Reference:
{tor}

Proposal:
{proposal}', 0.2, 1500, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('90a4e6e4-d49e-5afb-97fd-c1c24d0171bf', 'evaluator.delta', NULL, 'Evaluator: delta between internal and external reviews', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('90a4e6e4-d49e-5afb-97fd-c1c24d0171bf', 1, 'Compare the internal review (against the organisation''s guidelines) with the external review (against the funder''s Terms of Reference). Answer in {language}.

1. Gaps: what the ToR requires that the internal review did not catch.
2. Contradictions: where following the organisation''s guidelines conflicts with the ToR, and which should win.
3. A short, prioritised action list that closes both.

Internal review:
{internal_analysis}

External review:
{external_analysis}', 0.3, 1200, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('cefa3915-a750-5064-8aa6-b907f50fd47c', 'evaluator.followup', NULL, 'Evaluator follow-up question', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('cefa3915-a750-5064-8aa6-b907f50fd47c', 1, 'Answer a question about an evaluation of a proposal against Terms of Reference, in {language}, using only the proposal, the ToR, the three analyses and the conversation so far. Quote passages with their location; say so when the material does not answer it.

Proposal:
{proposal}

Terms of Reference:
{tor}

Evaluation:
{evaluation}

Conversation so far:
{history}

Question: {question}', 0.3, 800, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('c3d16ab6-925d-58e3-8043-2782481be8ee', 'chatbot.refine', NULL, 'Chatbot: rewrite the question as a standalone search query', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('c3d16ab6-925d-58e3-8043-2782481be8ee', 1, 'Rewrite the user''s latest question as one standalone search query that can be understood without the conversation: resolve pronouns and references (such as "it", "its budget", "that project") using the earlier turns, keep names, numbers and dates, and do not answer it. Reply with the query only.

Conversation so far:
{history}

Latest question: {question}', 0.0, 200, 'seed');

INSERT INTO prompts (id, key, org_id, description, active_version, latest_version)
VALUES ('748d5e31-3001-5072-a8e2-99b200aa9767', 'chatbot.answer', NULL, 'Chatbot: answer from the knowledge base with citations', 1, 1);
INSERT INTO prompt_versions (prompt_id, version, template, temperature, max_tokens, created_by)
VALUES ('748d5e31-3001-5072-a8e2-99b200aa9767', 1, 'You are the assistant of an organisation that writes and reviews funding proposals. Answer the question in {language} using only the numbered passages from the organisation''s knowledge base below. Cite the passages you use as [1], [2] after the sentence they support. If the passages do not contain the answer, say that you could not find it in the knowledge base; never invent facts, figures or sources.

Passages:
{context}

Conversation so far:
{history}

Question: {question}', 0.2, 800, 'seed');
