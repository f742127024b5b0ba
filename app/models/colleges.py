"""Colleges and the provinces they belong to."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

#: The 31 mainland province-level divisions, written in full as in the national list.
PROVINCES_CN = (
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
)


class Province(db.Model):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    country: Mapped[str] = mapped_column(String(2), default="CN")

    def __repr__(self) -> str:
        return f"<Province {self.name}>"


class College(db.Model):
    __tablename__ = "colleges"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    #: Only where it applies: every Chinese college has one of the 31 provinces; a college abroad may have none.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    city: Mapped[str] = mapped_column(String(40), default="")
    level: Mapped[str] = mapped_column(String(10), default="")
    ownership: Mapped[str] = mapped_column(String(10), default="")
    country: Mapped[str] = mapped_column(String(2), default="CN")
    #: False for an institution an applicant proposed, until an organizer verifies it or merges it into one
    #: on the list; usable at once by whoever proposed it.
    verified: Mapped[bool] = mapped_column(default=True, server_default=true())
    website: Mapped[str] = mapped_column(String(200), default="", server_default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    province: Mapped[Province | None] = relationship(lazy="joined")

    @property
    def province_name(self) -> str:
        """The province's name, "" for a college abroad without one."""
        return self.province.name if self.province else ""

    def __repr__(self) -> str:
        return f"<College {self.code} {self.name}>"
