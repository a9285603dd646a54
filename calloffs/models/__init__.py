"""The call-offs app's models, one module per stage: competitions (with notices, lots, criteria, the
checklist, amendments and documents), tenders, clarifications, evaluation, awards and red flags."""

from .awards import Award, Contract, OutcomeLetter
from .clarifications import ClarificationQuestion
from .competitions import (
    CYBER_LEVEL_CHOICES,
    DEFAULT_CYBER_LEVEL,
    Amendment,
    ChecklistItem,
    Competition,
    CompetitionQuerySet,
    EvaluationCriterion,
    Lot,
    MarketWarmingNotice,
    NoticeQuerySet,
    OpportunityDocument,
    opportunity_document_upload_to,
)
from .evaluation import ConflictDeclaration, Evaluator, ModeratedScore, Score
from .red_flags import RedFlag
from .supply_chain import (
    ContractSubcontractor,
    SubcontractorChange,
    SupplyChainReport,
    SupplyChainReportLine,
)
from .tenders import (
    Tender,
    TenderFile,
    TenderPartner,
    TenderResponse,
    TenderSignature,
    TenderVersion,
    tender_file_upload_to,
)

__all__ = [
    "CYBER_LEVEL_CHOICES",
    "DEFAULT_CYBER_LEVEL",
    "Amendment",
    "Award",
    "ChecklistItem",
    "ClarificationQuestion",
    "Competition",
    "CompetitionQuerySet",
    "ConflictDeclaration",
    "Contract",
    "ContractSubcontractor",
    "EvaluationCriterion",
    "Evaluator",
    "Lot",
    "MarketWarmingNotice",
    "ModeratedScore",
    "NoticeQuerySet",
    "OpportunityDocument",
    "OutcomeLetter",
    "RedFlag",
    "Score",
    "SubcontractorChange",
    "SupplyChainReport",
    "SupplyChainReportLine",
    "Tender",
    "TenderFile",
    "TenderPartner",
    "TenderResponse",
    "TenderSignature",
    "TenderVersion",
    "opportunity_document_upload_to",
    "tender_file_upload_to",
]
