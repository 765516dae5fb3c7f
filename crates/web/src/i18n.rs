//! Interface text in Vietnamese (first) and English. Each string is written once with
//! both languages side by side; templates read them as fields, checked at compile time.

use domain::Lang;

macro_rules! strings {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// Every interface string, in one language.
        pub struct Tr {
            $(pub $key: &'static str,)*
        }
        pub static VI: Tr = Tr { $($key: $vi,)* };
        pub static EN: Tr = Tr { $($key: $en,)* };
    };
}

pub fn tr(lang: Lang) -> &'static Tr {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

strings! {
    app_name: "Sóng và máy tính cho em", "Signal and computers for children";
    app_owner: "Sở Giáo dục và Đào tạo", "Department of Education and Training";
    skip_to_content: "Bỏ qua, tới nội dung", "Skip to content";
    other_language: "English", "Tiếng Việt";
    other_language_code: "en", "vi";
    nav_dashboard: "Tổng quan", "Dashboard";
    nav_units: "Đơn vị", "Units";
    nav_schools: "Trường học", "Schools";
    nav_users: "Người dùng", "Users";
    nav_audit: "Nhật ký", "Audit trail";
    nav_account: "Tài khoản", "Account";
    nav_main: "Điều hướng chính", "Main navigation";
    logout: "Đăng xuất", "Log out";
    footer_note: "Công khai, minh bạch, hiệu quả và đúng đối tượng.", "Public, transparent, efficient, reaching the right students.";

    login_title: "Đăng nhập", "Log in";
    login_intro: "Hệ thống quản lý Chương trình “Sóng và máy tính cho em”: khảo sát, tiếp nhận, phân bổ và bàn giao máy tính cho học sinh.", "The system that runs the programme “Signal and computers for children”: survey, receipt, allocation and handover of computers to students.";
    username: "Tên đăng nhập", "Username";
    password: "Mật khẩu", "Password";
    login_button: "Đăng nhập", "Log in";
    login_help: "Quên mật khẩu? Liên hệ quản trị viên của Sở để được đặt lại.", "Forgot your password? Ask the Department's administrator to reset it.";
        session_expired: "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.", "Your session has expired. Please log in again.";
    logged_out: "Bạn đã đăng xuất.", "You have logged out.";

    dashboard_title: "Tổng quan", "Dashboard";
    hello: "Xin chào", "Hello";
    your_role: "Vai trò", "Role";
    your_unit: "Đơn vị", "Unit";
    your_scope: "Phạm vi dữ liệu", "Data scope";
    role_duties: "Nhiệm vụ trong Chương trình", "Your part in the programme";
    in_scope: "Trong phạm vi", "In your scope";
    districts: "Cấp huyện", "Districts";
    communes: "Xã, phường, thị trấn", "Communes";
    schools: "Trường học", "Schools";
    departments: "Sở, ban, ngành", "Departments";
    schools_by_level: "Trường theo cấp học", "Schools by level";
    schools_by_internet: "Kết nối Internet của trường", "Schools' Internet connection";
    users_by_role: "Người dùng theo vai trò", "Users by role";
    audit_chain: "Chuỗi nhật ký", "Audit chain";
    audit_entries: "mục", "entries";
    last_hash: "Mã băm cuối", "Last hash";
    recent_activity: "Hoạt động gần đây", "Recent activity";
    see_all: "Xem tất cả", "See all";
    your_school: "Trường của bạn", "Your school";
    count: "Số lượng", "Count";

    units_title: "Đơn vị và trường học", "Units and schools";
    schools_title: "Danh sách trường học", "Schools";
    code: "Mã", "Code";
    name: "Tên", "Name";
    level: "Cấp", "Level";
    kind: "Loại hình", "Type";
    school_level: "Cấp học", "School level";
    managing_unit: "Đơn vị quản lý", "Managing unit";
    commune: "Xã, phường", "Commune";
    internet: "Internet", "Internet";
    agency: "Cơ quan", "Body";
    parent_unit: "Đơn vị cấp trên", "Parent unit";
    parent_code: "Mã đơn vị cấp trên", "Parent unit code";
    children: "Đơn vị trực thuộc", "Units under it";
    search: "Tìm kiếm", "Search";
    search_units_hint: "Tên hoặc mã, gõ có dấu hay không dấu đều được", "Name or code, with or without accents";
    filter: "Lọc", "Filter";
    all: "Tất cả", "All";
    no_results: "Không có kết quả.", "Nothing found.";
    page: "Trang", "Page";
    previous: "Trang trước", "Previous";
    next: "Trang sau", "Next";
    total: "Tổng cộng", "Total";
    details: "Thông tin", "Details";
    edit: "Sửa", "Edit";
    save: "Lưu", "Save";
    cancel: "Hủy", "Cancel";
    create: "Tạo", "Create";
    new_unit: "Thêm đơn vị", "Add a unit";
    edit_unit: "Sửa thông tin đơn vị", "Edit unit";
    code_help: "Để trống để hệ thống tự đặt mã theo đơn vị cấp trên và tên.", "Leave empty to derive the code from the parent unit and the name.";
    direct_unit: "Trực thuộc Sở", "Directly under the Department";
    created_at: "Ngày tạo", "Created";
    updated_at: "Cập nhật", "Updated";
    breadcrumb: "Vị trí", "Location";
    unit_saved: "Đã lưu thông tin đơn vị.", "The unit was saved.";

    account_title: "Tài khoản của tôi", "My account";
    full_name: "Họ và tên", "Full name";
    role: "Vai trò", "Role";
    unit: "Đơn vị", "Unit";
    unit_code: "Mã đơn vị", "Unit code";
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

    audit_title: "Nhật ký thay đổi", "Audit trail";
    audit_intro: "Mọi thay đổi được ghi lại, nối với nhau bằng mã băm SHA-256: sửa hay xóa một mục sẽ làm chuỗi không còn khớp.", "Every change is recorded and chained by SHA-256: editing or deleting an entry breaks the chain.";
    verify_chain: "Kiểm tra chuỗi", "Verify the chain";
    chain_ok: "Chuỗi nhật ký toàn vẹn", "The audit chain is intact";
    chain_broken: "Chuỗi nhật ký KHÔNG toàn vẹn", "The audit chain is NOT intact";
    entries_checked: "Số mục đã kiểm tra", "Entries checked";
    erased_personal: "Mục đã xóa dữ liệu cá nhân theo thời hạn lưu trữ", "Entries whose personal data was erased by retention";
    triggers_missing: "Bảo vệ chỉ-ghi-thêm của cơ sở dữ liệu đã bị gỡ:", "The database's append-only protection was removed:";
    when: "Thời gian", "When";
    who: "Người thực hiện", "Who";
    what: "Nội dung", "What";
    entity: "Đối tượng", "Object";
    action: "Thao tác", "Action";
    older: "Cũ hơn", "Older";

    nav_students: "Học sinh", "Students";
    nav_dedup: "Rà soát trùng lặp", "Duplicates";
    nav_households: "Hộ nghèo, cận nghèo", "Household registers";
    nav_devices: "Thiết bị", "Devices";
    devices_help: "Sổ theo dõi thiết bị theo số sê-ri: mỗi máy chỉ đổi trạng thái theo đúng quy trình (tiếp nhận → thẩm định → nhập kho → phân bổ → giao đơn vị → giao trường → trao học sinh), có ghi ngày, người thực hiện và nhật ký.", "The registry follows every device by its serial: a device changes state only along the allowed path (received → appraised → in stock → allocated → with the unit → with the school → with the student), each change dated, attributed and audited.";
    devices_by_state: "Thiết bị theo trạng thái", "Devices by state";
    devices_none: "Chưa có thiết bị nào trong sổ theo dõi.", "No device in the registry yet.";
    device_state: "Trạng thái", "State";
    device_count: "Số máy", "Devices";
    device_models: "Mẫu thiết bị", "Device models";
    device_kind: "Loại", "Type";
    device_model: "Hãng, model", "Brand, model";
    device_ram: "RAM", "RAM";
    device_storage: "Bộ nhớ trong", "Storage";
    device_screen: "Màn hình", "Screen";
    device_price: "Đơn giá", "Unit price";
    device_cpu: "Bộ xử lý", "Processor";
    spec_check: "Kiểm tra cấu hình", "Spec check";
    spec_profiles: "Cấu hình tối thiểu", "Minimum specifications";
    spec_profiles_help: "Cấu hình tối thiểu theo từng loại thiết bị, do Sở Thông tin và Truyền thông nhập theo Công văn 3693/BTTTT-CNTT. Để trống một ô là không yêu cầu tiêu chí đó. Mỗi lần sửa được ghi vào nhật ký.", "Minimum specifications per type of device, entered by the Department of Information and Communications after Công văn 3693/BTTTT-CNTT. An empty field sets no requirement. Every change is audited.";
    spec_sample: "Mẫu — chưa phải số liệu chính thức", "Sample — not the official figures";
    spec_name: "Tên cấu hình", "Profile name";
    spec_is_sample: "Đây là cấu hình mẫu (chưa phải số liệu chính thức)", "This is a sample profile (not the official figures)";
    spec_cpu_cores: "Số nhân CPU tối thiểu", "Minimum CPU cores";
    spec_ram_gb: "RAM tối thiểu (GB)", "Minimum RAM (GB)";
    spec_storage_gb: "Bộ nhớ trong tối thiểu (GB)", "Minimum storage (GB)";
    spec_screen_in: "Màn hình tối thiểu (inch)", "Minimum screen (inches)";
    spec_battery: "Pin tối thiểu (mAh)", "Minimum battery (mAh)";
    spec_front: "Camera trước tối thiểu (MP)", "Minimum front camera (MP)";
    spec_rear: "Camera sau tối thiểu (MP)", "Minimum rear camera (MP)";
    spec_os: "Hệ điều hành chấp nhận (mỗi dòng một tên)", "Accepted operating systems (one per line)";
    spec_wifi: "Bắt buộc có Wi-Fi", "Wi-Fi required";
    spec_lte: "Bắt buộc có 4G", "4G required";
    spec_warranty: "Bảo hành tối thiểu (tháng)", "Minimum warranty (months)";
    spec_required: "Yêu cầu", "Required";
    spec_actual: "Thiết bị", "This model";
    spec_result: "Kết quả", "Result";
    spec_against: "Đối chiếu với", "Checked against";
    spec_no_requirement: "Không yêu cầu tiêu chí nào.", "No criterion set.";
    profile_saved: "Đã lưu cấu hình tối thiểu.", "Minimum specification saved.";
    donors: "Nhà tài trợ", "Donors";
    donors_help: "Tổ chức, cá nhân ủng hộ thiết bị hoặc kinh phí. Thông tin liên hệ chỉ Ban điều phối xem được; tên chỉ được công khai khi nhà tài trợ đồng ý.", "Organisations and people who give devices or money. Only the Board sees their contacts; a name is published only with the donor's consent.";
    donors_none: "Chưa có nhà tài trợ nào.", "No donor yet.";
    donor: "Nhà tài trợ", "Donor";
    donor_new: "Thêm nhà tài trợ", "Add a donor";
    donor_name: "Tên nhà tài trợ", "Donor's name";
    donor_kind: "Loại", "Kind";
    donor_organisation: "Tổ chức, doanh nghiệp", "Organisation";
    donor_person: "Cá nhân", "Person";
    donor_contact: "Người liên hệ", "Contact person";
    donor_tax_code: "Mã số thuế / số CCCD", "Tax code / identity number";
    donor_public: "Công khai tên", "Name published";
    donor_publish: "Nhà tài trợ đồng ý công khai tên", "The donor agrees to have their name published";
    donor_anonymous: "Giấu tên", "Anonymous";
    donor_earmark: "Chỉ định sử dụng", "Earmark";
    donor_earmark_help: "Nếu nhà tài trợ chỉ định địa bàn hoặc đối tượng, việc phân bổ phải tôn trọng chỉ định này. Để trống nếu không chỉ định.", "If the donor names a place or a tier, allocation must respect it. Leave empty if not.";
    donor_earmark_unit: "Huyện hoặc trường (mã đơn vị)", "District or school (unit code)";
    donor_earmark_tier: "Đối tượng", "Tier";
    donor_saved: "Đã lưu thông tin nhà tài trợ.", "Donor saved.";
    phone: "Điện thoại", "Phone";
    email: "Thư điện tử", "E-mail";
    address: "Địa chỉ", "Address";
    any: "Không chỉ định", "None";
    yes: "Có", "Yes";
    donations: "Tiếp nhận hiện vật", "Donations in kind";
    donations_help: "Các lần Ban điều phối tiếp nhận thiết bị ủng hộ, mỗi lần có biên bản tiếp nhận đánh số và danh sách số sê-ri.", "Each receipt of donated devices by the Board, with its numbered receipt minutes and list of serials.";
    donations_none: "Chưa có lần tiếp nhận nào.", "No receipt yet.";
    donation_new: "Ghi biên bản tiếp nhận", "Record a receipt";
    donation_new_help: "Mỗi dòng một mẫu máy; số lượng là số số sê-ri đã quét hoặc dán. Có một số sê-ri sai hoặc trùng thì không ghi gì, mọi lỗi được liệt kê để sửa.", "One line per model; the quantity is the number of serials scanned or pasted. If any serial is wrong or repeated, nothing is recorded and every problem is listed.";
    donation_refused: "Chưa ghi biên bản: hãy sửa các số sê-ri sau rồi lưu lại.", "Nothing was recorded: correct these serials and save again.";
    donation_record: "Ghi biên bản và đăng ký thiết bị", "Record the receipt and register the devices";
    donation_saved: "Đã ghi biên bản tiếp nhận; các thiết bị đang chờ thẩm định.", "Receipt recorded; its devices await appraisal.";
    minutes_no: "Biên bản số", "Minutes no.";
    received_on: "Ngày tiếp nhận", "Received on";
    receipt_place: "Địa điểm tiếp nhận", "Place of receipt";
    donor_rep: "Đại diện bên giao", "Giver's representative";
    board_rep: "Đại diện bên nhận (Ban điều phối)", "Receiver's representative (the Board)";
    position: "Chức vụ", "Position";
    receipt_line: "Dòng", "Line";
    receipt_items: "Thiết bị tiếp nhận", "Devices received";
    line_no: "STT", "No.";
    quantity: "Số lượng", "Quantity";
    condition: "Tình trạng", "Condition";
    condition_new: "Mới", "New";
    condition_used: "Đã qua sử dụng", "Used";
    unit_value: "Đơn giá khai báo (đồng)", "Declared unit value (đồng)";
    declared_value: "Giá trị", "Value";
    serials_field: "Số sê-ri (mỗi dòng một máy; IMEI sau dấu phẩy hoặc Tab)", "Serials (one device per line; the IMEI after a comma or a tab)";
    serials_help: "Có thể quét mã vạch, gõ, hoặc dán hai cột Số sê-ri và IMEI từ Excel.", "Scan the barcodes, type, or paste the Serial and IMEI columns from Excel.";
    serials_of_line: "Số sê-ri của dòng", "Serials of line";
    print_minutes: "In biên bản tiếp nhận (PDF)", "Print the receipt minutes (PDF)";
    batch: "Lô hàng", "Batch";
    batch_help: "contract:<số hợp đồng> cho hàng mua sắm, donation:<số biên bản> cho hàng ủng hộ.", "contract:<contract no> for purchases, donation:<minutes no> for donations.";
    batches: "Thẩm định và nhập kho", "Appraisal and stock";
    batches_help: "Mỗi lô hàng là các máy cùng mẫu từ một hợp đồng hoặc một biên bản tiếp nhận. Sở Thông tin và Truyền thông thẩm định mẫu máy trước, rồi từng lô; chỉ lô đạt mới được nhập kho và phân bổ.", "A batch is the devices of one model from one contract or receipt. The Department of Information and Communications appraises the model first, then each batch; only batches that pass can be put in stock and allocated.";
    model_appraisal: "Thẩm định mẫu máy", "Model appraisal";
    batch_appraisal: "Thẩm định lô", "Batch appraisal";
    appraise_record: "Ghi kết quả thẩm định", "Record an appraisal";
    appraise_what: "Đối tượng thẩm định", "What is appraised";
    appraise_result: "Kết quả", "Result";
    appraise_notes: "Nhận xét (bắt buộc khi không đạt)", "Notes (required for a failure)";
    appraise_report: "Biên bản thẩm định (PDF, ảnh; không bắt buộc)", "Appraisal report (PDF, photo; optional)";
    appraised_on: "Ngày thẩm định", "Appraised on";
    appraise_notes_short: "Nhận xét", "Notes";
    appraisal_history: "Lịch sử thẩm định", "Appraisals";
    appraisals_none: "Chưa có kết quả thẩm định nào.", "No appraisal yet.";
    appraisal_saved: "Đã ghi kết quả thẩm định.", "Appraisal recorded.";
    verdict_pass: "Đạt", "Pass";
    verdict_fail: "Không đạt", "Fail";
    stock_in: "Nhập kho", "Put in stock";
    stocked_in: "Đã nhập kho các thiết bị đạt thẩm định.", "The appraised devices are in stock.";
    state_received: "Chờ thẩm định", "Awaiting appraisal";
    state_appraised: "Đạt, chờ nhập kho", "Passed, not in stock";
    state_rejected: "Không đạt", "Rejected";
    state_in_stock: "Trong kho", "In stock";
    documents: "Tài liệu kèm theo", "Documents";
    documents_none: "Chưa có tài liệu nào.", "No document yet.";
    document_add: "Đính kèm tài liệu (thư ủng hộ, biên bản có chữ ký, hóa đơn…)", "Attach a document (letter of gift, signed minutes, invoice…)";
    document_help: "PDF, ảnh, Word hoặc Excel, tối đa 20 MB; lưu kèm mã SHA-256 để đối chiếu.", "PDF, photo, Word or Excel, up to 20 MB; kept with its SHA-256 for checking.";
    document_saved: "Đã đính kèm tài liệu.", "Document attached.";
    recorded_by: "Người ghi", "Recorded by";
    devices_unit: "thiết bị", "devices";
    intake: "Quét nhận thiết bị", "Scan devices in";
    intake_help: "Chọn mẫu máy và lô hàng, rồi quét mã vạch từng máy: máy quét gõ số sê-ri và Enter. Quét trùng hoặc số đã có trong sổ sẽ kêu bíp và báo đỏ.", "Choose the model and the batch, then scan each device: the scanner types the serial and Enter. A repeat, or a serial the registry has, beeps and shows in red.";
    intake_refused: "Chưa đăng ký: hãy sửa các dòng sau rồi lưu lại.", "Nothing was registered: correct these lines and save again.";
    intake_save: "Đăng ký các thiết bị đã quét", "Register the scanned devices";
    intake_file: "Hoặc tải danh sách của nhà cung cấp, nhà tài trợ", "Or upload the supplier's or donor's list";
    intake_file_help: "Tệp Excel (.xlsx, .xls), .ods hoặc .csv có cột Số sê-ri (và IMEI nếu có); dòng tiêu đề, dòng tổng cộng và chữ ký được bỏ qua. Có một dòng sai thì không ghi gì, mọi dòng sai được liệt kê.", "An Excel (.xlsx, .xls), .ods or .csv file with a Serial column (and IMEI if any); title, total and signature rows are skipped. One wrong row and nothing is written; every wrong row is listed.";
    intake_file_field: "Tệp danh sách số sê-ri", "The list of serials";
    intake_file_save: "Tải lên và đăng ký", "Upload and register";
    devices_registered: "Đã đăng ký các thiết bị; chúng đang chờ thẩm định.", "Devices registered; they await appraisal.";
    scan_here: "Quét mã vạch vào ô này", "Scan barcodes into this box";
    scan_repeat: "Trùng: {} đã được quét.", "Repeat: {} was already scanned.";
    scan_added: "Đã quét {}.", "Scanned {}.";
    scanned_count: "Đã quét", "Scanned";
    stocktake: "Kiểm kê", "Stocktake";
    stocktake_help: "Quét mọi máy đang có tại một nơi; hệ thống so với sổ theo dõi và liệt kê máy thiếu và máy không đúng chỗ.", "Scan every device at a place; the system compares with the registry and lists the missing and the unexpected.";
    stocktake_place: "Nơi kiểm kê (mã đơn vị)", "Place (unit code)";
    stocktake_place_help: "Để trống: kho của Ban điều phối. Mã phòng GD&ĐT hoặc mã trường để kiểm kê tại đó.", "Empty: the Board's store. A district office's or a school's code to count there.";
    stocktake_compare: "So sánh với sổ theo dõi", "Compare with the registry";
    stocktake_result: "Kết quả kiểm kê", "Stocktake result";
    stocktake_expected: "Theo sổ", "Expected";
    stocktake_matched: "Khớp", "Matched";
    stocktake_missing: "Thiếu (có trong sổ, chưa quét)", "Missing (expected, not scanned)";
    stocktake_unexpected: "Không đúng chỗ", "Unexpected";
    device_history: "Quá trình của thiết bị", "The device's history";
    find_serial: "Tra cứu thiết bị theo số sê-ri hoặc IMEI", "Look a device up by serial or IMEI";
    find: "Tìm", "Find";
    card_devices_waiting: "Thiết bị chờ thẩm định", "Devices awaiting appraisal";
    card_devices_in_stock: "Thiết bị trong kho", "Devices in stock";
    holder: "Người giữ", "Holder";
    at: "Thời điểm", "When";
    by: "Người thực hiện", "By";
    students_title: "Danh sách học sinh đề nghị hỗ trợ", "Students proposed for a computer";
    round: "Đợt khảo sát", "Survey round";
    tier: "Đối tượng", "Tier";
    list_status: "Trạng thái danh sách", "List status";
    total_students: "Tổng số học sinh", "Students in total";
    by_school: "Theo trường", "By school";
    open_list: "Xem danh sách", "Open the list";
    dob: "Ngày sinh", "Date of birth";
    gender: "Giới tính", "Gender";
    student_code: "Mã định danh", "Student id";
    class_name: "Lớp", "Class";
    village: "Thôn, bon, buôn", "Village";
    parent_name: "Cha, mẹ hoặc người giám hộ", "Parent or guardian";
    certificate_no: "Số giấy chứng nhận", "Certificate no.";
    review: "Xét duyệt", "Review";
    flags: "Cảnh báo", "Flags";
    row_no: "Dòng", "Row";
    submitted_by: "Gửi bởi", "Submitted by";
    decided_by: "Duyệt/trả bởi", "Decided by";
    board_by: "Ban điều phối duyệt bởi", "Board approval by";
    import_file: "Nhập từ tệp Excel", "Import from a spreadsheet";
    add_student: "Thêm học sinh", "Add a student";
    export_xlsx: "Tải về Excel", "Download as Excel";
    submit_list: "Gửi danh sách lên Phòng/Sở duyệt", "Submit the list for approval";
    approve_list: "Phê duyệt danh sách", "Approve the list";
    return_rows: "Trả lại các dòng đã ghi lý do", "Return the rows with reasons";
    return_reason: "Lý do trả lại", "Reason for returning";
    reopen_list: "Mở lại danh sách", "Reopen the list";
    reopen_reason: "Lý do mở lại", "Reason for reopening";
    board_approve_all: "Phê duyệt tất cả danh sách Phòng/Sở đã duyệt", "Approve every list the offices approved";
    list_saved: "Đã cập nhật danh sách.", "The list was updated.";
    import_title: "Nhập danh sách học sinh từ tệp", "Import a list of students";
    import_help: "Chọn tệp .xlsx, .xls, .ods hoặc .csv như trường vẫn lập (có dòng tiêu đề, có thể có dòng tên trường, dòng số thứ tự cột, dòng ký tên). Hệ thống đọc thử và cho xem trước; chỉ ghi khi bạn xác nhận.", "Pick the .xlsx, .xls, .ods or .csv file the school made (with a header row; title, column-number and signature rows are fine). The system reads it and shows a preview; nothing is written until you confirm.";
    file: "Tệp", "File";
    preview: "Xem trước", "Preview";
    preview_title: "Kết quả đọc thử", "What the file holds";
    header_row: "Dòng tiêu đề", "Header row";
    data_rows: "Dòng học sinh", "Student rows";
    accepted_rows: "Hợp lệ, sẽ được nhập", "Valid, will be imported";
    rejected_rows: "Bị từ chối (không nhập)", "Rejected (not imported)";
    skipped_rows: "Dòng khác bỏ qua", "Other rows skipped";
    column: "Cột", "Column";
    problem: "Vấn đề", "Problem";
    confirm_import: "Xác nhận nhập", "Confirm the import";
    imported_done: "Đã nhập danh sách.", "The list was imported.";
                withdrawn: "Đã rút", "Withdrawn";
    district: "Huyện, thành phố", "District";
    poor: "Hộ nghèo", "Poor";
    near_poor: "Hộ cận nghèo", "Near-poor";
    households_help: "Danh sách hộ nghèo, hộ cận nghèo đã được UBND xã công nhận. Sau mỗi lần nhập, hệ thống đối chiếu lại mọi học sinh thuộc đối tượng (i), (ii) của đợt đang mở: theo tên cha mẹ (chủ hộ hoặc thành viên), tên học sinh trong hộ, hoặc số giấy chứng nhận, trong cùng xã.", "The registers of poor and near-poor households the communes approved. After each import every tier (i)/(ii) claim of the open round is checked again: by the parent's name (head or member), the student's name among the members, or the certificate number, within the same commune.";
    households_file: "Tệp danh sách hộ (.xlsx, .xls, .ods, .csv)", "Register file (.xlsx, .xls, .ods, .csv)";
    households_year: "Năm", "Year";
    households_columns: "Cần các cột: Họ tên chủ hộ; Loại hộ (Hộ nghèo/Hộ cận nghèo) hoặc hai cột Hộ nghèo, Hộ cận nghèo đánh dấu x; Xã. Có thể có: Thành viên trong hộ, Thôn, Huyện, Số giấy chứng nhận, Năm.", "Columns needed: Họ tên chủ hộ; Loại hộ (Hộ nghèo/Hộ cận nghèo) or two columns Hộ nghèo, Hộ cận nghèo marked x; Xã. Optional: Thành viên trong hộ, Thôn, Huyện, Số giấy chứng nhận, Năm.";
    households_registered: "Đã có danh sách", "Registers on file";
    households_none: "Chưa có danh sách hộ nghèo, hộ cận nghèo nào.", "No register yet.";
    households_read: "Hộ đọc được", "Households read";
    households_refused: "Tệp có dòng lỗi: chưa ghi dữ liệu nào. Sửa các dòng dưới đây rồi tải lại.", "The file has rows with problems: nothing was written. Fix the rows below and upload it again.";
    households_check: "Đối chiếu với danh sách học sinh (nếu nhập)", "Check against the students (if imported)";
    households_claims: "Học sinh thuộc đối tượng (i), (ii)", "Tier (i)/(ii) students";
    households_matched: "Khớp với danh sách hộ", "Found in the register";
    households_missing: "Không có trong danh sách hộ của xã", "Not in the commune's register";
    households_other: "Có trong danh sách nhưng khác loại hộ", "In the register, other category";
    households_unverifiable: "Xã chưa có danh sách để đối chiếu", "No register for the commune yet";
    households_imported: "Đã nhập danh sách hộ và đối chiếu lại các học sinh.", "The register was imported and the students checked again.";
    dedup_help: "Hệ thống so sánh học sinh toàn tỉnh: cùng mã định danh, hoặc cùng một người dưới mã khác (họ tên không dấu, sai một chữ hay đảo tên đệm, cùng ngày sinh, cùng xã hoặc cùng tên cha mẹ). Mỗi nhóm cần một người quyết định; quyết định được ghi vào nhật ký và không bị hỏi lại.", "The system compares students across the province: the same student id, or one child under another id (names without accents, one-letter typos or swapped middle names, the same birth date, the same commune or parent). Each group needs a person's decision; it is audited and never asked again.";
    dedup_run: "Rà soát lại toàn tỉnh", "Run the province-wide check again";
    dedup_running: "Đang rà soát trùng lặp; tải lại trang sau ít phút.", "The check is running; reload the page in a few minutes.";
    dedup_started: "Đã bắt đầu rà soát trùng lặp.", "The duplicate check has started.";
    dedup_decided: "Đã ghi quyết định.", "The decision was recorded.";
    dedup_groups: "Nhóm cần quyết định", "Groups to decide";
    dedup_none: "Không có nhóm nào cần quyết định.", "Nothing to decide.";
    dedup_score: "Mức độ giống nhau", "How alike";
    dedup_keep: "Giữ hồ sơ này", "Keep this record";
    dedup_same: "Cùng một học sinh: giữ hồ sơ đã chọn, rút các hồ sơ còn lại", "One child: keep the chosen record, withdraw the others";
    dedup_different: "Là các học sinh khác nhau", "Different children";
    dedup_elsewhere: "Hồ sơ ngoài phạm vi của bạn, tại", "Records outside your scope, at";
    dedup_not_yours: "Nhóm có hồ sơ ngoài phạm vi của bạn: Sở GD&ĐT quyết định.", "The group has records outside your scope: the Department decides.";
    school: "Trường", "School";
    note: "Ghi chú", "Note";
    ethnicity: "Dân tộc", "Ethnicity";
    male: "Nam", "Male";
    female: "Nữ", "Female";
    edit_student: "Sửa thông tin học sinh", "Edit a student";
    student_saved: "Đã lưu thông tin học sinh.", "The student was saved.";
    flag_resolved: "Đã xử lý cảnh báo; lý do được ghi vào nhật ký.", "The flag was resolved; the reason is in the audit trail.";
    evidence_saved: "Đã lưu tệp minh chứng.", "The evidence file was saved.";
    evidence: "Minh chứng", "Evidence";
    evidence_needed: "Cần có", "Needed";
    no_evidence: "Chưa có tệp minh chứng.", "No evidence yet.";
    upload_evidence: "Thêm ảnh chụp hoặc tệp PDF giấy chứng nhận", "Add a photo or a PDF of the certificate";
    evidence_help: "Ảnh JPEG, PNG, WebP, HEIC hoặc PDF, tối đa 10 MB. Hệ thống kiểm tra nội dung tệp và lưu mã SHA-256.", "JPEG, PNG, WebP, HEIC photo or PDF, up to 10 MB. The content is checked and its SHA-256 kept.";
    upload: "Tải lên", "Upload";
    withdraw_student: "Rút khỏi danh sách", "Take off the list";
    withdraw_reason: "Lý do rút (chuyển trường, lập nhầm…)", "Reason (moved school, listed by mistake…)";
    resolve_flag: "Xử lý cảnh báo", "Resolve the flag";
    resolve_reason: "Lý do (được ghi vào nhật ký)", "Reason (kept in the audit trail)";
    dob_hint: "Ngày trước tháng: 17/09/2009.", "Day before month: 17/09/2009.";
    student_code_hint: "10 chữ số (mã định danh trên CSDL ngành) hoặc 12 chữ số (căn cước); có thể để trống.", "10 digits (sector database) or 12 digits (citizen id); may be left empty.";
    has_device_label: "Học sinh đã có máy tính để học trực tuyến", "The student already has a computer for online learning";
    error_title: "Có lỗi", "Something went wrong";
    error_forbidden: "Bạn không có quyền truy cập trang này.", "You may not open this page.";
    error_not_found: "Không tìm thấy trang hoặc dữ liệu này.", "This page or record does not exist.";
    error_internal: "Hệ thống gặp sự cố. Vui lòng thử lại; nếu vẫn lỗi, báo quản trị viên kèm mã yêu cầu.", "The system had a problem. Please try again; if it persists, tell an administrator the request id.";
    error_csrf: "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.", "The form expired or is invalid. Reload the page and try again.";
    request_id: "Mã yêu cầu", "Request id";
    back_home: "Về trang tổng quan", "Back to the dashboard";
    form_has_errors: "Vui lòng sửa các ô được đánh dấu.", "Please correct the marked fields.";
}

/// What each role does in the programme (PROGRAM.md, "Who takes part"), shown on the
/// dashboard so that a new official knows where they fit.
pub fn role_duties(role: domain::users::Role, lang: Lang) -> &'static [&'static str] {
    use domain::users::Role::*;
    match (role, lang) {
        (Admin, Lang::Vi) => &[
            "Quản lý cây đơn vị, trường học và tài khoản người dùng.",
            "Theo dõi nhật ký thay đổi và kiểm tra tính toàn vẹn của chuỗi nhật ký.",
        ],
        (Admin, Lang::En) => &[
            "Maintain the tree of units, the schools and the user accounts.",
            "Watch the audit trail and verify its chain.",
        ],
        (SoGddt, Lang::Vi) => &[
            "Chỉ đạo khảo sát, mua sắm, tiếp nhận, phân bổ và bàn giao máy tính.",
            "Phê duyệt danh sách của các đơn vị trực thuộc Sở; báo cáo Bộ GD&ĐT và UBND tỉnh.",
            "Cập nhật danh sách trường và tình trạng kết nối Internet.",
        ],
        (SoGddt, Lang::En) => &[
            "Direct the survey, procurement, receipt, allocation and handover of computers.",
            "Approve the lists of units directly under the Department; report to the Ministry and the Province.",
            "Keep the list of schools and their Internet connection up to date.",
        ],
        (BanDieuPhoi, Lang::Vi) => &[
            "Tiếp nhận máy tính mua sắm và được tài trợ, lập biên bản tiếp nhận.",
            "Tổng hợp danh sách đã duyệt, phân bổ và bàn giao máy cho Phòng GD&ĐT và đơn vị trực thuộc.",
        ],
        (BanDieuPhoi, Lang::En) => &[
            "Receive bought and donated computers, with receipt minutes.",
            "Aggregate the approved lists; allocate and hand devices to district offices and direct units.",
        ],
        (PhongGddt, Lang::Vi) => &[
            "Duyệt danh sách học sinh do các trường đề nghị.",
            "Nhận máy từ Ban điều phối, tổ chức bàn giao cho học sinh, báo cáo theo Công văn 5052/BGDĐT-CNTT.",
            "Tổ chức tập huấn sử dụng, bảo quản máy.",
        ],
        (PhongGddt, Lang::En) => &[
            "Approve the students your schools propose.",
            "Receive devices from the Board, hand them to students, report per Official Letter 5052/BGDĐT-CNTT.",
            "Organise training on using and caring for the devices.",
        ],
        (Truong, Lang::Vi) => &[
            "Khảo sát và lập danh sách học sinh thuộc đối tượng, kèm minh chứng.",
            "Bàn giao máy cho học sinh có biên bản, nhập dữ liệu lên CSDL ngành.",
        ],
        (Truong, Lang::En) => &[
            "Survey and list the students who qualify, with evidence.",
            "Hand devices to students with signed minutes and record them in the sector database.",
        ],
        (SoTttt, Lang::Vi) => &[
            "Thẩm định chất lượng, cấu hình máy theo Công văn 3693/BTTTT-CNTT.",
            "Theo dõi trường chưa có Internet, vùng lõm sóng; công bố nền tảng học trực tuyến.",
        ],
        (SoTttt, Lang::En) => &[
            "Appraise devices against Official Letter 3693/BTTTT-CNTT.",
            "Follow schools without Internet and signal dead zones; publish recommended learning platforms.",
        ],
        (SoTaiChinh, Lang::Vi) => {
            &["Hướng dẫn, giám sát việc mua sắm, đấu thầu và sử dụng kinh phí."]
        }
        (SoTaiChinh, Lang::En) => &["Guide and oversee procurement, tendering and spending."],
        (Mttq, Lang::Vi) => &["Vận động ủng hộ và chuyển kinh phí về Sở GD&ĐT."],
        (Mttq, Lang::En) => {
            &["Run fundraising campaigns and transfer the money to the Department."]
        }
        (UbndTinh, Lang::Vi) => {
            &["Theo dõi tiến độ và kết quả thực hiện Chương trình trên địa bàn tỉnh."]
        }
        (UbndTinh, Lang::En) => {
            &["Follow the progress and results of the programme in the province."]
        }
    }
}
