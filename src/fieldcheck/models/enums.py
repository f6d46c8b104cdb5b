"""Enumerations of the domain. Stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class UnitKind(StrEnum):
    DEPARTMENT = "department"  # 部门
    SERVICE_WINDOW = "service_window"  # 服务窗口
    ENTERPRISE = "enterprise"  # 企业
    PROJECT = "project"  # 重点项目


class VisitKind(StrEnum):
    OPEN = "open"  # 明查
    UNANNOUNCED = "unannounced"  # 暗访
    REINSPECTION = "reinspection"  # 复查
    PROJECT = "project"  # 专项


class VisitStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class FindingStatus(StrEnum):
    OPEN = "open"
    NOTIFIED = "notified"
    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    VERIFIED = "verified"
    ESCALATED = "escalated"


class Severity(StrEnum):
    MINOR = "minor"  # 一般
    MAJOR = "major"  # 较重
    SERIOUS = "serious"  # 严重


class InspectorRole(StrEnum):
    INSPECTOR = "inspector"
    TEAM_LEADER = "team_leader"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
