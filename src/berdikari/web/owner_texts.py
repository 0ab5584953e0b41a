"""Every sentence of the owner web app's screens and script, in one place, through ``t()``.

Templates and the page script read them from :func:`texts` (a dict), so ``tests/test_i18n.py``
sees each msgid here and checks its Indonesian translation. This module only holds words.
"""

from __future__ import annotations

from berdikari import vocab
from berdikari.i18n import t


def texts(lang: str) -> dict[str, str]:
    """Texts of the server-rendered pages, by short key."""
    return {
        "app_title": t("Self-assessment", lang),
        "guides": t("Berdikari guides", lang),
        "intro1": t("Answer questions about your place of production and your papers.", lang),
        "intro2": t("You will see what an inspector would find and what to fix first.", lang),
        "start_anon": t("Start without an account", lang),
        "anon_note": t(
            "Nothing is stored on the server. Your answers stay on this phone; you can download them as a file.",
            lang,
        ),
        "start_signin": t("Sign in with UMKM code and PIN", lang),
        "signin_note": t(
            "Every answer is saved as you give it. You can stop and continue on any phone.", lang
        ),
        "upload_title": t("Continue from a file", lang),
        "upload_help": t("Have a file with your answers? Upload it to continue.", lang),
        "upload_button": t("Upload the file", lang),
        "code": t("UMKM code", lang),
        "pin": t("PIN (6 digits)", lang),
        "signin": t("Sign in", lang),
        "signin_help": t("Your facilitator gives you the UMKM code and the PIN.", lang),
        "stay": t("Stay signed in on this phone", lang),
        "stay_help": t(
            "On a phone that other people use, untick this and tap Sign out when you finish.",
            lang,
        ),
        "back": t("Back", lang),
        "signed_in_as": t("Signed in", lang),
        "signout": t("Sign out", lang),
        "etalase": t("Etalase: show your products", lang),
        "what_make": t("What do you make?", lang),
        "see_route": t("Show my permit route", lang),
        "your_route": t("Your permit route", lang),
        "ask": t("Ask", lang),
        "checklists_for_you": t("Checklists that apply to you", lang),
        "no_checklist": t(
            "There is no checklist for this product type yet. Your facilitator will help you.",
            lang,
        ),
        "start": t("Start", lang),
        "continue": t("Continue", lang),
        "open": t("Open", lang),
        **{answer.value: answer.label(lang) for answer in vocab.Answer},
        "not_answered": t("Not answered", lang),
        "na_when": t("Choose this only if: {when}", lang),
        "mark_new": t("New", lang),
        "mark_changed": t("Changed", lang),
        "not_started": t("Not started", lang),
        "in_progress": t("In progress", lang),
        "done": t("Done", lang),
        "tasks": t("Sections to answer", lang),
        "to_check": t("Check your answers", lang),
        "change_checklist": t("Change product or checklist", lang),
        "next_section": t("Next section", lang),
        "back_to_tasks": t("Back to the task list", lang),
        "back_to_check": t("Back to check your answers", lang),
        "change": t("Change", lang),
        "note": t("Note (optional)", lang),
        "provisional": t(
            "Some questions are not answered yet. The result will be provisional.", lang
        ),
        "see_result": t("See my result", lang),
        "your_result": t("Your result", lang),
        "guide": t("Guide", lang),
        "question_n": t("Question {n}", lang),
        "download_answers": t("Download my answers (file)", lang),
        "paper_form": t("The blank paper form of this checklist", lang),
        "print": t("Print", lang),
        "pdf": t("Download as PDF", lang),
        "whatsapp": t("Share on WhatsApp", lang),
        "submit": t("Send to my facilitator", lang),
        "submit_help": t(
            "After you send, your facilitator checks your answers. You cannot change them then.",
            lang,
        ),
        "new_round": t("Start a new assessment", lang),
        "answers_sent": t("Your answers (sent, read only)", lang),
        "result_needs_link": t(
            "The result needs a connection. Your answers are safe on this phone; try again in a moment.",
            lang,
        ),
        "computing": t("Working out your result…", lang),
        "try_again": t("Try again", lang),
        "action_plan": t("Action plan from your facilitator", lang),
        "due": t("due", lang),
        "no_due": t("no due date", lang),
        "overdue": t("overdue", lang),
        "no_js": t(
            "Without JavaScript, answer all sections, then tap See my result at the bottom.", lang
        ),
        "answered_of": t("Answered {answered} of {total} questions", lang),
        "level": t("Level", lang),
        "readiness_by_section": t("Readiness by section", lang),
        "what_first": t("What to fix first", lang),
        "nothing_to_fix": t("Nothing to fix among the answered questions.", lang),
        "how_to_fix": t("How to fix it", lang),
        "check_facilitator": t("check with your facilitator", lang),
        "next_steps": t("Next steps to your permit", lang),
        "step_guide": t("Step-by-step guide", lang),
        "first_do": t("First thing to do", lang),
        "findings_by_grade": t("Findings by grade", lang),
        "corrections": t("What your facilitator corrected", lang),
        "you_answered": t("You answered", lang),
        "facilitator_found": t("Your facilitator found", lang),
        "reason": t("Reason", lang),
        "verified_note": t("Note from your facilitator", lang),
        "contact_facilitator": t("Call or message your facilitator", lang),
        "umkm": t("Business (UMKM) name", lang),
        "date": t("Date", lang),
        "checklist_version": t("Checklist and version", lang),
        "saved": t("Saved", lang),
        "verified_by": t("Checked by your facilitator {name} on {date}.", lang),
        "sent_on": t("Sent to your facilitator on {date}.", lang),
        "waiting_for": t("Waiting for your facilitator {name} to check it.", lang),
        "no_facilitator": t(
            "Your UMKM has no facilitator yet. Ask the Balai Besar POM in Palangka Raya.", lang
        ),
        "verified_result": t("The verified result", lang),
        "no_corrections": t("Your facilitator agreed with every answer.", lang),
        "result_as_sent": t("Your result as you sent it", lang),
    }


def script_texts(lang: str) -> dict[str, str]:
    """Texts the page script shows (header indicator, per-question status)."""
    return {
        "saved": t("Saved", lang),
        "all_saved": t("All answers saved", lang),
        "saving": t("Saving {n} answers…", lang),
        "pending": t("Waiting to be sent", lang),
        "offline": t(
            "Not connected. {n} answers waiting to be sent; your answers are safe on this phone.",
            lang,
        ),
        "signed_out": t(
            "You need to sign in again. {n} answers are waiting; they are safe on this phone.",
            lang,
        ),
        "refused": t("Not saved: {why}", lang),
        "sent_elsewhere": t(
            "This assessment was already sent, so this answer cannot be saved. Reload the page.",
            lang,
        ),
        "local_saved": t("Kept on this phone", lang),
        "local_all": t("Answers are kept on this phone only", lang),
        "local_failed": t(
            "This phone cannot keep your answers (storage full or private mode). Download your answers as a file.",
            lang,
        ),
        "wait_before_send": t(
            "Wait until every answer is saved, then send. Answers waiting: {n}.", lang
        ),
        "confirm_signout": t(
            "{n} answers are not sent yet. If you sign out now, they are lost. Sign out anyway?",
            lang,
        ),
        "answered_of": t("Answered {answered} of {total} questions", lang),
        "result_needs_link": t(
            "The result needs a connection. Your answers are safe on this phone; try again in a moment.",
            lang,
        ),
        "computing": t("Working out your result…", lang),
        "back_to_check": t("Back to check your answers", lang),
        "try_again": t("Try again", lang),
        "not_answered": t("Not answered", lang),
        "not_started": t("Not started", lang),
        "in_progress": t("In progress", lang),
        "done": t("Done", lang),
    }
