//! The public portal's strings, Vietnamese first.

crate::i18n::texts! {
    log_title: "Nhật ký công khai có thể kiểm chứng", "The verifiable public log";
    log_intro: "Mọi thay đổi trong hệ thống — danh sách học sinh, phân bổ, bàn giao, tiền ủng hộ, mua sắm — được ghi vào một nhật ký chỉ ghi thêm. Nhật ký được tổ chức thành cây Merkle theo cách của Certificate Transparency (RFC 9162), và mỗi ngày Sở ký một điểm kiểm tra (số mục, mã gốc của cây) bằng khóa Ed25519 giữ ngoài cơ sở dữ liệu. Ai cũng có thể lưu các điểm kiểm tra này và về sau yêu cầu bằng chứng rằng một mục nằm trong cây, hoặc rằng cây hôm nay chỉ nối thêm vào cây hôm trước: nếu lịch sử bị viết lại, bằng chứng sẽ không khớp. Nhật ký công khai chỉ gồm mã băm, không có dữ liệu cá nhân nào.", "Every change in the system — students' lists, allocation, handover, donations, procurement — is written to an append-only log. The log is a Merkle tree in the manner of Certificate Transparency (RFC 9162), and every day the Department signs a checkpoint (the number of entries, the tree's root hash) with an Ed25519 key kept outside the database. Anyone can keep these checkpoints and later ask for a proof that an entry is in the tree, or that today's tree only extends yesterday's: if the history were rewritten, the proofs would not match. The public log holds only hashes, no personal data.";
    current: "Điểm kiểm tra hiện tại", "Current checkpoint";
    none_yet: "Chưa có điểm kiểm tra nào được ký.", "No checkpoint has been signed yet.";
    entries: "Số mục", "Entries";
    root: "Mã gốc (SHA-256)", "Root hash (SHA-256)";
    signed_on: "Ngày ký", "Signed on";
    origin: "Tên nhật ký", "Log origin";
    key: "Khóa công khai để kiểm tra", "Verifier key";
    no_key: "Máy chủ này chưa được cấu hình khóa ký.", "This server has no signing key configured.";
    note: "Văn bản đã ký (định dạng C2SP tlog-checkpoint)", "Signed text (C2SP tlog-checkpoint)";
    history: "Các điểm kiểm tra đã ký", "Checkpoints signed";
    open_data: "Dữ liệu mở", "Open data";
    how_to_check: "Tự kiểm tra", "Check it yourself";
    how_to_check_help: "Tải điểm kiểm tra và khóa công khai, rồi lấy bằng chứng cho mục cần kiểm tra (số thứ tự của mục trong nhật ký) và kiểm tra bằng lệnh songmaytinh audit verify-proof, hoặc bằng bất kỳ công cụ nào đọc được định dạng C2SP và RFC 9162 — không cần truy cập cơ sở dữ liệu.", "Download the checkpoint and the verifier key, get the proof for the entry to check (its sequence number in the log), and check it with songmaytinh audit verify-proof, or with any tool that reads C2SP and RFC 9162 — without access to the database.";
    bad_number: "Tham số phải là số nguyên không âm", "The parameter must be a whole number, not negative";
    no_checkpoint: "Chưa có điểm kiểm tra nào để đối chiếu.", "There is no checkpoint to check against yet.";
}
