"""Adapters that send email: `mailer.smtp.SmtpMailer`, the `reporting.remind.Mailer` of the reminders."""
