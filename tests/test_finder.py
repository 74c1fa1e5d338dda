"""The commune finder through the real bot: /timxa and free text about a unit's new name give
the new unit and its People's Committee; a split unit asks which part, a shared name the
district; the wards the table does not cover get an honest answer; other questions still go
to the knowledge base."""

from __future__ import annotations

from knowledge.normalize import fold
from tests.knowledge.lineage_rows import lineage
from tests.transcript import Transcript


async def test_the_three_ways_to_ask_about_phuoc_binh(bot) -> None:
    for text in ("xã Phước Bình giờ là xã nào", "phuoc binh bac ai sap nhap vao dau",
                 "/timxa Phước Bình"):
        [reply] = await bot.say(text)
        assert "Xã Phước Bình (trước đây thuộc Huyện Bác Ái) nay thuộc Xã Bác Ái Tây" in \
            reply.text, text
        assert "Nơi hỏi và làm thủ tục: Ủy ban nhân dân xã Bác Ái Tây." in reply.text
        assert "Xã Phước Hòa, Xã Phước Tân" in reply.text  # merged with it


async def test_every_old_unit_of_the_lineage_through_the_command(bot) -> None:
    """Without diacritics, with the district (Thanh Hải and Thành Hải fold alike)."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for row in lineage():
        wanted.setdefault((row["old_name"], row["old_district"]), set()).add(row["new_name"])
    for (old, district), new in wanted.items():
        short = district.removeprefix("Huyện ").removeprefix("Thành phố ")
        [reply] = await bot.say(f"/timxa {fold(old)} {fold(short)}")
        assert old in reply.text and district in reply.text, old
        if len(new) == 1:
            [unit] = new
            bare = unit.partition(" ")[2]
            assert f"nay thuộc {unit}." in reply.text and bare in reply.text, old
        else:
            assert {b.label for b in reply.buttons} == new, old


async def test_a_split_unit_asks_which_part_and_answers_for_that_part(bot) -> None:
    [reply] = await bot.say("/timxa dong hai")
    assert "được chia" in reply.text and "Nhà bạn ở phần nào?" in reply.text
    assert [b.label for b in reply.buttons] == ["Phường Đông Hải", "Xã Phước Dinh"]
    [reply] = await bot.press("Xã Phước Dinh")
    assert "Phần của Phường Đông Hải" in reply.text and "nay thuộc Xã Phước Dinh" in reply.text
    assert "Ủy ban nhân dân xã Phước Dinh" in reply.text


async def test_a_shared_name_asks_the_district(bot) -> None:
    [reply] = await bot.say("xa thanh hai gio la xa nao")
    assert "Bạn hỏi đơn vị ở huyện, thành phố nào?" in reply.text
    labels = [b.label for b in reply.buttons]
    assert "Xã Thanh Hải (Huyện Ninh Hải)" in labels
    [reply] = await bot.press("Xã Thanh Hải (Huyện Ninh Hải)")
    assert "nay thuộc Xã Vĩnh Hải" in reply.text


async def test_the_wards_without_a_row_get_an_honest_answer(bot) -> None:
    for name in ("Thanh Sơn", "my huong", "Tấn Tài"):
        [reply] = await bot.say(f"/timxa {name}")
        assert "không chắc" in reply.text and "nay thuộc" not in reply.text, name
        assert "Phường Phan Rang" in reply.text  # the new units of the former city


async def test_a_new_units_name_tells_what_it_was_formed_from(bot) -> None:
    """Every new unit whose name no old unit had, with or without diacritics."""
    formed: dict[str, set[str]] = {}
    olds = {fold(row["old_name"].partition(" ")[2]) for row in lineage()}
    for row in lineage():
        formed.setdefault(row["new_name"], set()).add(row["old_name"])
    new_only = {n: o for n, o in formed.items() if fold(n.partition(" ")[2]) not in olds}
    assert "Xã Bác Ái Tây" in new_only and "Phường Phan Rang" in new_only
    for new, old in new_only.items():
        [reply] = await bot.say(f"/timxa {fold(new.partition(' ')[2])}")
        assert reply.text.startswith(f"{new} là đơn vị hành chính mới"), new
        assert all(name in reply.text for name in old), new
        assert f"Ủy ban nhân dân {new.partition(' ')[0].lower()} " in reply.text, new


async def test_a_split_units_part_is_said_to_be_a_part(bot) -> None:
    [reply] = await bot.say("/timxa an hai")  # Xã An Hải went to Xã Phước Dinh whole
    assert "Xã Phước Dinh gồm cả: Phường Đông Hải (một phần)" in reply.text


async def test_unknown_names_and_the_empty_command(bot) -> None:
    [reply] = await bot.say("/timxa Lộc Thọ")
    assert "không tìm thấy" in reply.text and "Lộc Thọ" in reply.text
    [reply] = await bot.say("/timxa")
    assert "/timxa Phước Bình" in reply.text


async def test_other_questions_still_go_to_the_knowledge_base(bot) -> None:
    [reply] = await bot.say("Ninh Thuận đã sáp nhập vào Khánh Hòa chưa")
    assert "Nghị quyết 202/2025/QH15" in reply.text and "Ủy ban nhân dân xã" not in reply.text
    [reply] = await bot.say("xã Phước Bình có được hỗ trợ nhà ở không")
    assert "nay thuộc" not in reply.text


async def test_in_english(make_bot) -> None:
    bot = make_bot("visitor-en", language="en")
    [reply] = await bot.say("/findcommune phuoc binh")
    assert "Xã Phước Bình (formerly in Huyện Bác Ái) is now part of Xã Bác Ái Tây." in reply.text
    assert "the People's Committee of Bác Ái Tây commune" in reply.text
    [reply] = await bot.say("/help")
    assert "/findcommune /timxa: which commune or ward" in reply.text


async def test_help_names_the_finder(bot) -> None:
    [reply] = await bot.say("/trogiup")
    assert "/timxa /findcommune: xã, phường, thị trấn cũ nay thuộc" in reply.text


async def test_golden_finder(make_bot, request) -> None:
    bot, script = make_bot("cit-finder"), Transcript()
    for step in ("xa phuoc binh gio la xa nao", "/timxa ma noi", "thi tran khanh hai nay thuoc "
                 "phuong nao", "/timxa dong hai", "press:Phường Đông Hải", "/timxa thanh son",
                 "/timxa bac ai tay"):
        script.user(step.removeprefix("press:"))
        replies = (await bot.press(step[6:]) if step.startswith("press:")
                   else await bot.say(step))
        script.bot(replies)
    script.check("finder-vi", request)
