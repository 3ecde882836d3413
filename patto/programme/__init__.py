"""A programme and the life of its plan versions (draft, submitted, validated, published), its
public pages, the comparison of two versions, the staff's versions page and dashboard, the
programme as JSON."""
