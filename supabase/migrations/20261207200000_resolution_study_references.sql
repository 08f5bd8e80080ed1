/*
 * A study campaign points at a library document and, optionally, an exam (issue 23): foreign keys
 * now say so, so neither can vanish from under a campaign. Not valid for rows already there (a
 * dangling reference is reported by the campaign's page, not made to fail the upgrade); every new
 * or changed campaign is checked.
 */
alter table public.study_campaigns drop constraint if exists study_campaigns_document_fk;
alter table public.study_campaigns add constraint study_campaigns_document_fk
  foreign key (document_id) references public.documents (id) not valid;
alter table public.study_campaigns drop constraint if exists study_campaigns_exam_fk;
alter table public.study_campaigns add constraint study_campaigns_exam_fk
  foreign key (exam_id) references public.exams (id) not valid;
