//! The dashboard area's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    work_todo: "Việc cần làm", "Waiting for you";
    work_progress: "Tiến độ", "Progress";
    nav_dashboard: "Tổng quan", "Dashboard";
    funnel_title: "Học sinh theo từng bước (cả chương trình, mọi đợt)", "Students at each step (the whole program, every round)";
    report_link: "Báo cáo chi tiết", "Full report";
    money_title: "Tiền vào và ra (triệu đồng)", "Money in and out (million đồng)";
    ledger_link: "Sổ cái", "Ledger";

    dashboard_title: "Tổng quan", "Dashboard";
    hello: "Xin chào", "Hello";
    your_scope: "Phạm vi dữ liệu", "Data scope";
    role_duties: "Nhiệm vụ trong Chương trình", "Your part in the programme";
    in_scope: "Trong phạm vi", "In your scope";
    districts: "Cấp huyện", "Districts";
    departments: "Sở, ban, ngành", "Departments";
    schools_by_level: "Trường theo cấp học", "Schools by level";
    schools_by_internet: "Kết nối Internet của trường", "Schools' Internet connection";
    users_by_role: "Người dùng theo vai trò", "Users by role";
    audit_chain: "Chuỗi nhật ký", "Audit chain";
    audit_entries: "mục", "entries";
    recent_activity: "Hoạt động gần đây", "Recent activity";
    see_all: "Xem tất cả", "See all";
    your_school: "Trường của bạn", "Your school";

    card_devices_waiting: "Thiết bị chờ thẩm định", "Devices awaiting appraisal";
    card_devices_in_stock: "Thiết bị trong kho", "Devices in stock";
    card_devices_allocated: "Thiết bị đã phân bổ, chờ bàn giao", "Devices allocated, waiting for handover";
}

/// What each role does in the programme (PROGRAM.md, "Who takes part"), shown on the
/// dashboard so that a new official knows where they fit.
pub fn role_duties(role: domain::users::Role, lang: domain::Lang) -> &'static [&'static str] {
    use domain::users::Role::*;
    match (role, lang) {
        (Admin, domain::Lang::Vi) => &[
            "Quản lý cây đơn vị, trường học và tài khoản người dùng.",
            "Theo dõi nhật ký thay đổi và kiểm tra tính toàn vẹn của chuỗi nhật ký.",
        ],
        (Admin, domain::Lang::En) => &[
            "Maintain the tree of units, the schools and the user accounts.",
            "Watch the audit trail and verify its chain.",
        ],
        (SoGddt, domain::Lang::Vi) => &[
            "Chỉ đạo khảo sát, mua sắm, tiếp nhận, phân bổ và bàn giao máy tính.",
            "Phê duyệt danh sách của các đơn vị trực thuộc Sở; báo cáo Bộ GD&ĐT và UBND tỉnh.",
            "Cập nhật danh sách trường và tình trạng kết nối Internet.",
        ],
        (SoGddt, domain::Lang::En) => &[
            "Direct the survey, procurement, receipt, allocation and handover of computers.",
            "Approve the lists of units directly under the Department; report to the Ministry and the Province.",
            "Keep the list of schools and their Internet connection up to date.",
        ],
        (BanDieuPhoi, domain::Lang::Vi) => &[
            "Tiếp nhận máy tính mua sắm và được tài trợ, lập biên bản tiếp nhận.",
            "Tổng hợp danh sách đã duyệt, phân bổ và bàn giao máy cho Phòng GD&ĐT và đơn vị trực thuộc.",
        ],
        (BanDieuPhoi, domain::Lang::En) => &[
            "Receive bought and donated computers, with receipt minutes.",
            "Aggregate the approved lists; allocate and hand devices to district offices and direct units.",
        ],
        (PhongGddt, domain::Lang::Vi) => &[
            "Duyệt danh sách học sinh do các trường đề nghị.",
            "Nhận máy từ Ban điều phối, tổ chức bàn giao cho học sinh, báo cáo theo Công văn 5052/BGDĐT-CNTT.",
            "Tổ chức tập huấn sử dụng, bảo quản máy.",
        ],
        (PhongGddt, domain::Lang::En) => &[
            "Approve the students your schools propose.",
            "Receive devices from the Board, hand them to students, report per Official Letter 5052/BGDĐT-CNTT.",
            "Organise training on using and caring for the devices.",
        ],
        (Truong, domain::Lang::Vi) => &[
            "Khảo sát và lập danh sách học sinh thuộc đối tượng, kèm minh chứng.",
            "Bàn giao máy cho học sinh có biên bản, nhập dữ liệu lên CSDL ngành.",
        ],
        (Truong, domain::Lang::En) => &[
            "Survey and list the students who qualify, with evidence.",
            "Hand devices to students with signed minutes and record them in the sector database.",
        ],
        (SoTttt, domain::Lang::Vi) => &[
            "Thẩm định chất lượng, cấu hình máy theo Công văn 3693/BTTTT-CNTT.",
            "Theo dõi trường chưa có Internet, vùng lõm sóng; công bố nền tảng học trực tuyến.",
        ],
        (SoTttt, domain::Lang::En) => &[
            "Appraise devices against Official Letter 3693/BTTTT-CNTT.",
            "Follow schools without Internet and signal dead zones; publish recommended learning platforms.",
        ],
        (SoTaiChinh, domain::Lang::Vi) => {
            &["Hướng dẫn, giám sát việc mua sắm, đấu thầu và sử dụng kinh phí."]
        }
        (SoTaiChinh, domain::Lang::En) => {
            &["Guide and oversee procurement, tendering and spending."]
        }
        (Mttq, domain::Lang::Vi) => &["Vận động ủng hộ và chuyển kinh phí về Sở GD&ĐT."],
        (Mttq, domain::Lang::En) => {
            &["Run fundraising campaigns and transfer the money to the Department."]
        }
        (UbndTinh, domain::Lang::Vi) => {
            &["Theo dõi tiến độ và kết quả thực hiện Chương trình trên địa bàn tỉnh."]
        }
        (UbndTinh, domain::Lang::En) => {
            &["Follow the progress and results of the programme in the province."]
        }
    }
}
