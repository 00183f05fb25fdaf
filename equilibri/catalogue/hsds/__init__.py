"""Open Referral HSDS 3.0: the public read-only API, our profile, and import / export."""
