//! The users area's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    nav_users: "Người dùng", "Users";
    nav_account: "Tài khoản", "Account";

    login_title: "Đăng nhập", "Log in";
    login_intro: "Hệ thống quản lý Chương trình “Sóng và máy tính cho em”: khảo sát, tiếp nhận, phân bổ và bàn giao máy tính cho học sinh.", "The system that runs the programme “Signal and computers for children”: survey, receipt, allocation and handover of computers to students.";
    username: "Tên đăng nhập", "Username";
    password: "Mật khẩu", "Password";
    login_button: "Đăng nhập", "Log in";
    login_help: "Quên mật khẩu? Liên hệ quản trị viên của Sở để được đặt lại.", "Forgot your password? Ask the Department's administrator to reset it.";
    session_expired: "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.", "Your session has expired. Please log in again.";
    logged_out: "Bạn đã đăng xuất.", "You have logged out.";

    create: "Tạo", "Create";
    created_at: "Ngày tạo", "Created";

    account_title: "Tài khoản của tôi", "My account";
    role: "Vai trò", "Role";
    unit: "Đơn vị", "Unit";
    unit_code: "Mã đơn vị", "Unit code";
    unit_pick: "Đơn vị", "Unit";
    unit_pick_help: "Gõ vài chữ của tên trường, phòng hoặc sở rồi chọn; hoặc gõ mã đơn vị.", "Type part of the school's, office's or department's name and pick it; or type the unit code.";
    change_password: "Đổi mật khẩu", "Change password";
    must_change_password: "Mật khẩu của bạn do quản trị viên cấp. Hãy đặt mật khẩu mới để tiếp tục.", "Your password was issued by an administrator. Set a new one to continue.";
    current_password: "Mật khẩu hiện tại", "Current password";
    new_password: "Mật khẩu mới", "New password";
    confirm_password: "Nhập lại mật khẩu mới", "Repeat the new password";
    password_hint: "Ít nhất 10 ký tự; nên dùng một câu dễ nhớ.", "At least 10 characters; a memorable sentence works well.";
    password_changed: "Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đóng.", "Password changed. Your other sessions were closed.";
    api_keys: "Khóa API", "API keys";
    api_keys_intro: "Khóa API cho phép phần mềm khác đọc dữ liệu qua API JSON với quyền của bạn. Mỗi khóa chỉ hiện một lần khi tạo.", "An API key lets other software use the JSON API with your permissions. A key is shown once, when created.";
    api_key_name: "Tên gợi nhớ", "Label";
    api_key_prefix: "Đầu khóa", "Key starts with";
    last_used: "Dùng lần cuối", "Last used";
    never: "Chưa dùng", "Never";
    revoked: "Đã thu hồi", "Revoked";
    revoke: "Thu hồi", "Revoke";
    create_api_key: "Tạo khóa mới", "Create a key";
    api_key_created: "Khóa API mới — hãy sao chép ngay, khóa sẽ không hiện lại:", "New API key — copy it now, it will not be shown again:";
    api_key_revoked: "Đã thu hồi khóa API.", "The API key was revoked.";
    api_docs: "Tài liệu API (OpenAPI)", "API documentation (OpenAPI)";
    status: "Trạng thái", "Status";
    active: "Đang hoạt động", "Active";
    disabled: "Đã khóa", "Disabled";

    users_title: "Người dùng", "Users";
    new_user: "Thêm người dùng", "Add a user";
    edit_user: "Sửa tài khoản", "Edit account";
    user_created: "Đã tạo tài khoản. Mật khẩu tạm thời (chỉ hiện một lần), người dùng phải đổi khi đăng nhập lần đầu:", "Account created. Temporary password (shown once); the user must change it at first login:";
    reset_password: "Đặt lại mật khẩu", "Reset password";
    password_reset_done: "Đã đặt lại mật khẩu. Mật khẩu tạm thời (chỉ hiện một lần):", "Password reset. Temporary password (shown once):";
    unlock: "Mở khóa đăng nhập", "Lift login back-off";
    unlocked: "Đã mở khóa đăng nhập.", "Login back-off lifted.";
    locked_until: "Tạm khóa đến", "Waiting until";
    account_active: "Cho phép đăng nhập", "May log in";
    user_saved: "Đã lưu tài khoản.", "The account was saved.";
    password_optional_hint: "Để trống để hệ thống tạo mật khẩu tạm thời.", "Leave empty to generate a temporary password.";
    password_changed_at: "Đổi mật khẩu lần cuối", "Password last changed";
}
