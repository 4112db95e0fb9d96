import { useNavigate } from 'react-router';

import { Icon } from '../components/Icon.tsx';
import { MenuButton } from '../components/MenuButton.tsx';
import { useAddActions } from './add-actions.ts';

/** The "Add" menu button of the top navigation bar, with what the page in view can add. */
export function AddMenu() {
  const navigate = useNavigate();
  const pageItems = useAddActions();
  const go = (to: string) => () => void navigate(to);
  return (
    <MenuButton
      label="Add"
      className="topbar-link"
      items={[
        { label: 'Add Customer', onSelect: go('/customers') },
        { label: 'Add Project', onSelect: go('/projects/new') },
        ...pageItems,
      ]}
    >
      <Icon name="plus" />
      Add
      <Icon name="chevron-down" size={14} />
    </MenuButton>
  );
}
