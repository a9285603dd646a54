"""Version 1.0 of the framework agreement, as a plain-English summary (docs/domain.md §1, §4, §5).

The portal shows this text and suppliers accept it in their Selection Questionnaire. It says plainly that
it is a summary and that the signed documents govern. Later versions are published through
`suppliers.services.agreement_publish`, never by editing this one.
"""

from django.db import migrations

VERSION = "1.0"
TITLE = "Probation Services Dynamic Framework agreement: summary of terms"
BODY = """\
This is a plain-English summary of the standard framework agreement for the Probation Services Dynamic Framework. It explains what your organisation agrees to when it accepts the agreement in its Selection Questionnaire. It is a summary, not the agreement itself: if anything here differs from the signed framework agreement and its schedules, the signed documents govern.

1. Who the agreement is between. The agreement is between the Secretary of State for Justice, acting through the Ministry of Justice (the MoJ, "we"), and your organisation (the supplier, "you"). It starts on the day we tell you that your organisation has qualified for at least one service category.

2. How long it lasts. The framework runs for 7 years. We may extend it up to 3 times, by 12 months each time, so it can last up to 10 years in all. It stays open to new suppliers for its whole term. Your agreement ends when the framework ends, unless it ends earlier for one of the reasons below.

3. It is a framework, not a guarantee of work. Qualifying puts your organisation on the framework for the service categories you passed. It does not promise you any work, any number of referrals or any payment. There is no charge for joining the framework.

4. How contracts are awarded. Work is bought through call-off contracts. Commissioners award them by competition among the suppliers qualified for the service category and the region concerned, under the Light Touch Regime of the Public Contracts Regulations 2015. Each competition says what is being bought, how bids will be scored and any extra conditions, for example financial criteria for larger contracts. A call-off contract is a separate contract, with its own terms, between you and the body that awards it.

5. Keeping your answers up to date. You must keep your Selection Questionnaire answers accurate and up to date while you are on the framework, and update them in this portal when something changes. You must tell us promptly if:
- any of the exclusion grounds comes to apply to your organisation or the people who run it (for example a conviction for fraud or corruption);
- your organisation becomes insolvent, or is likely to, or enters administration, liquidation or a similar process;
- someone else takes control of your organisation;
- your insurance or your cyber security certificate lapses or changes.

6. Confidentiality. Each of us keeps the other's confidential information confidential and uses it only for the framework and its call-off contracts. This does not stop us publishing what the law or government transparency policy requires, such as the list of qualified providers and the categories they qualified for, or answering requests under the Freedom of Information Act 2000.

7. Data protection. You must comply with the UK General Data Protection Regulation (UK GDPR) and the Data Protection Act 2018. Each call-off contract that involves personal data, for example about people on probation, will say what data you may process, for what purpose and how it must be protected. You must tell the commissioner about a personal data breach without undue delay.

8. Equality and safeguarding. You must not discriminate unlawfully, and you must help us meet our public sector equality duty under the Equality Act 2010. You must have safeguarding policies for children and adults at risk, make sure that staff and volunteers who work with people on probation have the right checks (such as Disclosure and Barring Service checks) and training, and report safeguarding concerns as the call-off contract requires.

9. Subcontracting and your supply chain. If you bid as a lead provider:
- you must name your key subcontractors in your bid;
- you need written permission before you replace a key subcontractor or end its subcontract;
- you must not require your subcontractors to work only for you;
- you must report on your supply chain once a year;
- you must pay your subcontractors' valid invoices within 30 days.
You remain responsible for any work you subcontract.

10. Cyber security. Your organisation must hold at least Cyber Essentials certification to be awarded any call-off contract, and keep it current while the contract runs. Many MoJ contracts need Cyber Essentials Plus, held at least one month before services start. Keep your certificate details up to date in the portal: it reminds you 30 days before a certificate expires.

11. Suspension and removal. We may suspend your organisation from the framework, or remove it, if it no longer meets the conditions for taking part: for example if an exclusion ground applies and we do not accept your evidence that you have put things right, if your organisation becomes insolvent, if you seriously or repeatedly break this agreement, or if you no longer hold the certificates or insurance required. We will tell you why and, where we can, give you the chance to put things right first. While suspended you cannot bid in new competitions. Suspension or removal does not by itself end a call-off contract you already hold; that contract's own terms apply.

12. Leaving the framework. You may leave the framework by telling us in writing; the signed agreement sets out the notice period. Leaving does not end call-off contracts you already hold.

13. New versions of this agreement. We may publish a new version during the term, for example when the law changes. We will tell every supplier, and you must accept the new version in the portal before you next submit your Selection Questionnaire.

14. Law. The agreement is governed by the law of England and Wales, and the courts of England and Wales decide any dispute about it.

Questions about the agreement: write to dynamic-framework@justice.gov.uk.
"""


def publish(apps, schema_editor):
    FrameworkAgreement = apps.get_model("suppliers", "FrameworkAgreement")
    if FrameworkAgreement.objects.filter(version=VERSION).exists():
        return
    # A database that already has a newer current version keeps it.
    is_current = not FrameworkAgreement.objects.filter(is_current=True).exists()
    FrameworkAgreement.objects.create(version=VERSION, title=TITLE, body=BODY, is_current=is_current)


def unpublish(apps, schema_editor):
    apps.get_model("suppliers", "FrameworkAgreement").objects.filter(version=VERSION, title=TITLE).delete()


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]
    operations = [migrations.RunPython(publish, unpublish)]
