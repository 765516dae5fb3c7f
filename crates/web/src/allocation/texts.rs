//! The allocation area's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    nav_allocation: "Phân bổ thiết bị", "Allocation";
    alloc_help: "Ban điều phối lập dự thảo phân bổ khi mọi danh sách của đợt đã được duyệt. Thiết bị nhà tài trợ dành riêng được chia trước; sau đó theo thứ tự diện ưu tiên (i) hộ nghèo → (ii) hộ cận nghèo → (iii) mồ côi do Covid-19; ở diện thiếu máy, mỗi đơn vị nhận phần tỉ lệ với số học sinh đang chờ (phương pháp số dư lớn nhất, tính bằng số nguyên); trong đơn vị, học sinh đã xác minh hồ sơ trước, rồi được duyệt sớm hơn, rồi theo số bốc thăm. Dự thảo chỉ công bố mã băm của hạt giống bốc thăm; hạt giống được công bố khi phê duyệt, để ai cũng tính lại được.", "The Board drafts a run once every list of the round is approved. Devices donors earmarked go first; then tiers in order (i) poor → (ii) near-poor → (iii) lost a parent to Covid-19; in the tier where devices run out, each unit gets a share in proportion to its waiting students (largest remainders, in integers); within a unit, verified evidence first, then earlier approval, then the lottery. A draft shows only the hash of its lottery seed; the seed is shown on approval, so anyone can recompute the run.";
    how_it_works: "Cách phân bổ", "How devices are shared";
    runs: "Các lượt phân bổ", "Runs";
    no_runs: "Chưa có lượt phân bổ nào.", "No run yet.";
    run_no: "Lượt số", "Run";
    round: "Đợt", "Round";
    status: "Trạng thái", "Status";
    devices: "Thiết bị", "Devices";
    served: "Được nhận", "Served";
    waiting: "Đang chờ", "Waiting";
    draft_new: "Lập dự thảo phân bổ", "Draft a run";
    run_drafted: "Đã lập dự thảo phân bổ.", "The run was drafted.";
    run_approved: "Đã phê duyệt lượt phân bổ; hạt giống bốc thăm đã được công bố.", "The run was approved; its seed is now shown.";
    run_executed: "Đã thực hiện: thiết bị đã được giữ cho học sinh.", "Executed: the devices are reserved for the students.";
    run_discarded: "Đã hủy dự thảo.", "The draft was discarded.";
    created: "Lập lúc", "Drafted";
    by: "bởi", "by";
    seed_commitment: "Mã băm SHA-256 của hạt giống (cam kết)", "SHA-256 of the seed (commitment)";
    seed: "Hạt giống bốc thăm", "Lottery seed";
    seed_hidden: "Được công bố khi phê duyệt.", "Shown on approval.";
    inputs_digest: "Mã băm dữ liệu đầu vào", "Digest of the inputs";
    outcome_digest: "Mã băm kết quả", "Digest of the outcome";
    decision: "Quyết định", "Decision";
    decision_no: "Số quyết định", "Decision number";
    decision_date: "Ngày quyết định", "Decision date";
    approve: "Phê duyệt", "Approve";
    approve_help: "Phê duyệt công bố hạt giống bốc thăm; sau đó không lập lại được kết quả khác từ cùng dữ liệu.", "Approval shows the seed; the result can no longer be drawn again from the same inputs.";
    execute: "Thực hiện phân bổ", "Execute";
    execute_help: "Thực hiện sẽ giữ các thiết bị trong kho cho đúng học sinh được phân bổ. Không hoàn tác được; thiết bị chỉ trả về kho qua biên bản thu hồi.", "Executing reserves the devices in stock for the students allocated. It cannot be undone; a device goes back to stock only through a signed return.";
    execute_confirm: "Tôi đã kiểm tra và xác nhận thực hiện lượt phân bổ này", "I have checked and confirm executing this run";
    discard: "Hủy dự thảo", "Discard the draft";
    by_tier: "Theo diện ưu tiên", "By tier";
    tier: "Diện", "Tier";
    demand: "Số chờ", "Waiting";
    by_unit: "Theo đơn vị: phần được chia và cách tính", "By unit: shares and their arithmetic";
    unit: "Đơn vị", "Unit";
    earmarked: "Theo nhà tài trợ", "Earmarked";
    quota: "Định mức chính xác", "Exact quota";
    floor: "Phần nguyên", "Floor";
    remainder_rank: "Thứ tự phần dư", "Remainder rank";
    extra: "Thêm 1 máy", "One more";
    arithmetic: "Cách tính", "Arithmetic";
    fairness: "Kiểm tra công bằng", "Fairness check";
    fairness_help: "Tỉ lệ thực tế bên cạnh tỉ lệ dự kiến nếu thiết bị đi theo thứ tự diện và tỉ lệ số chờ. Lệch quá 3 điểm phần trăm được đánh dấu: lượt nhỏ và thiết bị dành riêng có thể gây lệch chính đáng.", "The actual share beside the share expected if devices followed tiers in order and demand. More than 3 points apart is marked: small runs and earmarks can do that legitimately.";
    expected: "Dự kiến", "Expected";
    actual: "Thực tế", "Actual";
    scope: "Phạm vi", "Scope";
    warn: "Lệch quá 3 điểm", "More than 3 points apart";
    previous_run: "Lượt trước đã thực hiện", "Previous executed run";
    unassigned: "Thiết bị chưa phân bổ", "Devices not allocated";
    verify_hint: "Ai cũng kiểm tra lại được: songmaytinh allocation verify", "Anyone can check it again: songmaytinh allocation verify";
    tier_all: "đủ máy cho cả diện", "the whole tier served";
    tier_out: "hết máy ở diện", "devices ran out in tier";
}
